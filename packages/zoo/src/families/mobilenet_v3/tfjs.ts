// tfjs-layers builders for the `mobilenet_v3` family (MobileNetV3Small, MobileNetV3Large, any
// alpha, not minimalistic), include_top=False, pooling=None, include_preprocessing=True.
//
// Layer names and order are TF-Keras's (tf_keras/applications/mobilenet_v3.py), the code that
// wrote Keras's `_no_top_v2.h5` weight files, whose layers carry those names: `Conv/BatchNorm`,
// `expanded_conv_3/squeeze_excite/Conv`, … (Keras 3 renamed them without slashes and loads the
// files by order). TF-Keras builds hard-sigmoid from tensor operators, which become layers named
// `tf.__operators__.add_N` (x + 3) and `tf.math.multiply_N` (x / 6); here they are Rescaling
// layers with those names. Automatic names (`re_lu_N`, `multiply_N`) are numbered as in a fresh
// TF-Keras session.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { correctPad } from '../../builders/correctPad';
import { makeDivisible } from '../mobilenet_v2/tfjs';
import { Rescaling } from '../../layers/Rescaling';
import { GlobalAveragePooling2DKeepDims } from '../../layers/GlobalAveragePooling2DKeepDims';
import { BatchNormalization } from '../../layers/BatchNormalization';

type Activation = (x: tf.SymbolicTensor) => tf.SymbolicTensor;

/** One inverted-residual block: expansion, output filters (before alpha), kernel, stride, SE, hard-swish. */
type BlockRow = [expansion: number, filters: number, kernel: number | 'k', stride: number, se: boolean, hardSwish: boolean];

/** Keras's stack_fn tables; kernel 'k' is 5 (3 in the minimalistic models, not built here). */
const SMALL: BlockRow[] = [
  [1, 16, 3, 2, true, false],
  [72 / 16, 24, 3, 2, false, false],
  [88 / 24, 24, 3, 1, false, false],
  [4, 40, 'k', 2, true, true],
  [6, 40, 'k', 1, true, true],
  [6, 40, 'k', 1, true, true],
  [3, 48, 'k', 1, true, true],
  [3, 48, 'k', 1, true, true],
  [6, 96, 'k', 2, true, true],
  [6, 96, 'k', 1, true, true],
  [6, 96, 'k', 1, true, true],
];

const LARGE: BlockRow[] = [
  [1, 16, 3, 1, false, false],
  [4, 24, 3, 2, false, false],
  [3, 24, 3, 1, false, false],
  [3, 40, 'k', 2, true, false],
  [3, 40, 'k', 1, true, false],
  [3, 40, 'k', 1, true, false],
  [6, 80, 3, 2, false, true],
  [2.5, 80, 3, 1, false, true],
  [2.3, 80, 3, 1, false, true],
  [2.3, 80, 3, 1, false, true],
  [6, 112, 3, 1, true, true],
  [6, 112, 3, 1, true, true],
  [6, 160, 'k', 2, true, true],
  [6, 160, 'k', 1, true, true],
  [6, 160, 'k', 1, true, true],
];

const KERNEL = 5;
const SE_RATIO = 0.25;

const call = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
  layer.apply(x) as tf.SymbolicTensor;

/** Keras's automatic layer names in a fresh session: `re_lu`, `re_lu_1`, … per prefix. */
function autoNames(): (prefix: string) => string {
  const counts = new Map<string, number>();
  return (prefix) => {
    const n = counts.get(prefix) ?? 0;
    counts.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  };
}

/** The layers one build needs: initializers, automatic names, and the activations built from them. */
class V3Builder {
  readonly init: Initializers;
  readonly name = autoNames();

  constructor(options: BuildOptions) {
    this.init = initializers(options);
  }

  batchNorm(name: string) {
    return new BatchNormalization({
      axis: -1,
      epsilon: 1e-3,
      momentum: 0.999,
      gammaInitializer: this.init.one,
      movingVarianceInitializer: this.init.one,
      name,
    });
  }

  conv(filters: number, kernelSize: number, name: string, useBias = false, strides = 1) {
    return tf.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias,
      kernelInitializer: this.init.kernel,
      name,
    });
  }

  relu: Activation = (x) => call(tf.layers.reLU({ name: this.name('re_lu') }), x);

  /** relu6(x + 3) / 6, as TF-Keras's operator layers compute it. */
  hardSigmoid: Activation = (x) => {
    x = call(new Rescaling({ scale: 1, offset: 3, name: this.name('tf.__operators__.add') }), x);
    x = call(tf.layers.reLU({ maxValue: 6, name: this.name('re_lu') }), x);
    return call(new Rescaling({ scale: 1 / 6, name: this.name('tf.math.multiply') }), x);
  };

  /** x * hard_sigmoid(x). */
  hardSwish: Activation = (x) => {
    const gate = this.hardSigmoid(x);
    return call(tf.layers.multiply({ name: this.name('multiply') }), [x, gate]);
  };

  squeezeExcite(inputs: tf.SymbolicTensor, filters: number, prefix: string): tf.SymbolicTensor {
    let x = call(new GlobalAveragePooling2DKeepDims({ name: `${prefix}squeeze_excite/AvgPool` }), inputs);
    x = call(this.conv(makeDivisible(filters * SE_RATIO), 1, `${prefix}squeeze_excite/Conv`, true), x);
    x = call(tf.layers.reLU({ name: `${prefix}squeeze_excite/Relu` }), x);
    x = call(this.conv(filters, 1, `${prefix}squeeze_excite/Conv_1`, true), x);
    x = this.hardSigmoid(x);
    return call(tf.layers.multiply({ name: `${prefix}squeeze_excite/Mul` }), [inputs, x]);
  }

  invertedResBlock(inputs: tf.SymbolicTensor, row: BlockRow, alpha: number, blockId: number): tf.SymbolicTensor {
    const [expansion, baseFilters, kernelSpec, stride, se, hardSwish] = row;
    const kernel = kernelSpec === 'k' ? KERNEL : kernelSpec;
    const filters = makeDivisible(baseFilters * alpha);
    const activation = hardSwish ? this.hardSwish : this.relu;
    const inFilters = inputs.shape[3] as number;
    const expanded = makeDivisible(inFilters * expansion);
    let x = inputs;
    let prefix = 'expanded_conv/';
    if (blockId) {
      prefix = `expanded_conv_${blockId}/`;
      x = call(this.conv(expanded, 1, `${prefix}expand`), x);
      x = call(this.batchNorm(`${prefix}expand/BatchNorm`), x);
      x = activation(x);
    }
    if (stride === 2) {
      x = call(tf.layers.zeroPadding2d({ padding: correctPad(x, kernel), name: `${prefix}depthwise/pad` }), x);
    }
    x = call(
      tf.layers.depthwiseConv2d({
        kernelSize: kernel,
        strides: stride,
        padding: stride === 1 ? 'same' : 'valid',
        useBias: false,
        depthwiseInitializer: this.init.kernel,
        name: `${prefix}depthwise`,
      }),
      x,
    );
    x = call(this.batchNorm(`${prefix}depthwise/BatchNorm`), x);
    x = activation(x);
    if (se) x = this.squeezeExcite(x, expanded, prefix);
    x = call(this.conv(filters, 1, `${prefix}project`), x);
    x = call(this.batchNorm(`${prefix}project/BatchNorm`), x);
    if (stride === 1 && inFilters === filters) {
      x = call(tf.layers.add({ name: `${prefix}Add` }), [inputs, x]);
    }
    return x;
  }
}

function buildMobileNetV3(modelType: 'small' | 'large', blocks: BlockRow[], options: BuildOptions): tf.LayersModel {
  const alpha = options.alpha ?? 1.0;
  const b = new V3Builder(options);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = call(new Rescaling({ scale: 1 / 127.5, offset: -1, name: b.name('rescaling') }), input);
  x = call(b.conv(16, 3, 'Conv', false, 2), x);
  x = call(b.batchNorm('Conv/BatchNorm'), x);
  x = b.hardSwish(x);
  blocks.forEach((row, id) => {
    x = b.invertedResBlock(x, row, alpha, id);
  });
  x = call(b.conv(makeDivisible((x.shape[3] as number) * 6), 1, 'Conv_1'), x);
  x = call(b.batchNorm('Conv_1/BatchNorm'), x);
  x = b.hardSwish(x);
  return tf.model({ inputs: input, outputs: x, name: `MobilenetV3${modelType}` });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  MobileNetV3Small: (options) => buildMobileNetV3('small', SMALL, options),
  MobileNetV3Large: (options) => buildMobileNetV3('large', LARGE, options),
};
