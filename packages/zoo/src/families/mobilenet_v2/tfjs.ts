// tfjs-layers builder for the `mobilenet_v2` family (MobileNetV2, any alpha), with Keras's layer
// names and order, include_top=False, pooling=None (keras/src/applications/mobilenet_v2.py).
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { correctPad } from '../../builders/correctPad';
import { BatchNormalization } from '../../layers/BatchNormalization';

/** Keras's `_make_divisible`: round to a multiple of `divisor`, never more than 10% down. */
export function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/** The 17 inverted-residual blocks: [output filters before alpha, stride, expansion]. */
const BLOCKS: Array<[filters: number, stride: number, expansion: number]> = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

type Layer = { apply(x: tf.SymbolicTensor | tf.SymbolicTensor[]): unknown };
const call = (layer: Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
  layer.apply(x) as tf.SymbolicTensor;

/** Keras's BatchNormalization as MobileNetV2 configures it. */
function batchNorm(name: string, init: Initializers) {
  return new BatchNormalization({
    axis: -1,
    epsilon: 1e-3,
    momentum: 0.999,
    gammaInitializer: init.one,
    movingVarianceInitializer: init.one,
    name,
  });
}

function conv1x1(filters: number, name: string, init: Initializers) {
  return tf.layers.conv2d({
    filters,
    kernelSize: 1,
    padding: 'same',
    useBias: false,
    kernelInitializer: init.kernel,
    name,
  });
}

function invertedResBlock(
  inputs: tf.SymbolicTensor,
  [filters, stride, expansion]: [number, number, number],
  alpha: number,
  blockId: number,
  init: Initializers,
): tf.SymbolicTensor {
  const inChannels = inputs.shape[3] as number;
  const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha));
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = call(conv1x1(expansion * inChannels, `${prefix}expand`, init), x);
    x = call(batchNorm(`${prefix}expand_BN`, init), x);
    x = call(tf.layers.reLU({ maxValue: 6, name: `${prefix}expand_relu` }), x);
  } else {
    prefix = 'expanded_conv_';
  }
  if (stride === 2) {
    x = call(tf.layers.zeroPadding2d({ padding: correctPad(x, 3), name: `${prefix}pad` }), x);
  }
  x = call(
    tf.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: stride,
      useBias: false,
      padding: stride === 1 ? 'same' : 'valid',
      depthwiseInitializer: init.kernel,
      name: `${prefix}depthwise`,
    }),
    x,
  );
  x = call(batchNorm(`${prefix}depthwise_BN`, init), x);
  x = call(tf.layers.reLU({ maxValue: 6, name: `${prefix}depthwise_relu` }), x);
  x = call(conv1x1(pointwiseFilters, `${prefix}project`, init), x);
  x = call(batchNorm(`${prefix}project_BN`, init), x);
  if (inChannels === pointwiseFilters && stride === 1) {
    return call(tf.layers.add({ name: `${prefix}add` }), [inputs, x]);
  }
  return x;
}

/** MobileNetV2 without its top, for any alpha (Keras's ImageNet weights exist for 0.35 … 1.4). */
export function buildMobileNetV2(options: BuildOptions): tf.LayersModel {
  const alpha = options.alpha ?? 1.0;
  const init = initializers(options);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = call(
    tf.layers.conv2d({
      filters: makeDivisible(32 * alpha),
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: init.kernel,
      name: 'Conv1',
    }),
    input,
  );
  x = call(batchNorm('bn_Conv1', init), x);
  x = call(tf.layers.reLU({ maxValue: 6, name: 'Conv1_relu' }), x);
  BLOCKS.forEach((block, id) => {
    x = invertedResBlock(x, block, alpha, id, init);
  });
  // Keras applies no alpha below 1 to the last convolution, as in the paper.
  const lastFilters = alpha > 1.0 ? makeDivisible(1280 * alpha) : 1280;
  x = call(
    tf.layers.conv2d({
      filters: lastFilters,
      kernelSize: 1,
      useBias: false,
      kernelInitializer: init.kernel,
      name: 'Conv_1',
    }),
    x,
  );
  x = call(batchNorm('Conv_1_bn', init), x);
  x = call(tf.layers.reLU({ maxValue: 6, name: 'out_relu' }), x);
  const rows = options.inputShape[0];
  return tf.model({ inputs: input, outputs: x, name: `mobilenetv2_${alpha.toFixed(2)}_${rows}` });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  MobileNetV2: buildMobileNetV2,
};
