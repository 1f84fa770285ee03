// tfjs-layers builder for InceptionResNetV2 (keras/src/applications/inception_resnet_v2.py),
// include_top=False, pooling=None. Keras names each unit's concatenation, projection and
// activation (`block35_1_mixed`, `block35_1_conv`, `block35_1_ac`) but not the branch
// convolutions, batch norms, activations, poolings or residual scaling layers; those get
// Keras's automatic names in creation order (`conv2d` …, `custom_scale_layer` …), so
// `model.layers` matches Keras's.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { KerasAutoNames } from '../../builders/kerasAutoNames';
import { BatchNormalization } from '../../layers/BatchNormalization';
import { CustomScaleLayer } from '../../layers/CustomScaleLayer';

type Tensor = tf.SymbolicTensor;
type KernelSize = number | [number, number];

interface Scope {
  init: Initializers;
  names: KerasAutoNames;
}

/** Keras's `conv2d_bn` with its defaults: Conv2D without bias, BatchNormalization without scale, ReLU. */
function conv2dBn(
  scope: Scope,
  x: Tensor,
  filters: number,
  kernelSize: KernelSize,
  options: { strides?: number; padding?: 'same' | 'valid'; name?: string } = {},
): Tensor {
  const { init, names } = scope;
  const { name } = options;
  x = tf.layers
    .conv2d({
      filters,
      kernelSize,
      strides: options.strides ?? 1,
      padding: options.padding ?? 'same',
      useBias: false,
      kernelInitializer: init.kernel,
      name: name ?? names.next('conv2d'),
    })
    .apply(x) as Tensor;
  x = new BatchNormalization({
    axis: 3,
    scale: false,
    movingVarianceInitializer: init.one,
    name: name ? `${name}_bn` : names.next('batch_normalization'),
  }).apply(x) as Tensor;
  return tf.layers
    .activation({ activation: 'relu', name: name ? `${name}_ac` : names.next('activation') })
    .apply(x) as Tensor;
}

function maxPool(scope: Scope, x: Tensor): Tensor {
  return tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, name: scope.names.next('max_pooling2d') })
    .apply(x) as Tensor;
}

function concat(name: string, branches: Tensor[]): Tensor {
  return tf.layers.concatenate({ axis: 3, name }).apply(branches) as Tensor;
}

type UnitKind = 'block35' | 'block17' | 'block8';

const UNIT_SCALE: Record<UnitKind, number> = { block35: 0.17, block17: 0.1, block8: 0.2 };

/** The branches of an Inception-ResNet unit (Keras's `inception_resnet_block`). */
function unitBranches(scope: Scope, x: Tensor, kind: UnitKind): Tensor[] {
  if (kind === 'block35') {
    const branch0 = conv2dBn(scope, x, 32, 1);
    let branch1 = conv2dBn(scope, x, 32, 1);
    branch1 = conv2dBn(scope, branch1, 32, 3);
    let branch2 = conv2dBn(scope, x, 32, 1);
    branch2 = conv2dBn(scope, branch2, 48, 3);
    branch2 = conv2dBn(scope, branch2, 64, 3);
    return [branch0, branch1, branch2];
  }
  const [inner, factorised] =
    kind === 'block17'
      ? [[128, 160, 192], [[1, 7], [7, 1]] as [number, number][]]
      : [[192, 224, 256], [[1, 3], [3, 1]] as [number, number][]];
  const branch0 = conv2dBn(scope, x, 192, 1);
  let branch1 = conv2dBn(scope, x, inner[0], 1);
  branch1 = conv2dBn(scope, branch1, inner[1], factorised[0]);
  branch1 = conv2dBn(scope, branch1, inner[2], factorised[1]);
  return [branch0, branch1];
}

/**
 * An Inception-ResNet unit: branches, their concatenation, a 1x1 projection with bias back to
 * the input's channels, the scaled residual sum and (except the very last unit) a ReLU.
 */
function inceptionResnetUnit(
  scope: Scope,
  x: Tensor,
  kind: UnitKind,
  index: number,
  options: { scale?: number; activation?: boolean } = {},
): Tensor {
  const blockName = `${kind}_${index}`;
  const mixed = concat(`${blockName}_mixed`, unitBranches(scope, x, kind));
  const up = tf.layers
    .conv2d({
      filters: x.shape[3] as number,
      kernelSize: 1,
      padding: 'same',
      useBias: true,
      kernelInitializer: scope.init.kernel,
      name: `${blockName}_conv`,
    })
    .apply(mixed) as Tensor;
  const scale = options.scale ?? UNIT_SCALE[kind];
  let out = new CustomScaleLayer({ scale, name: scope.names.next('custom_scale_layer') }).apply([
    x,
    up,
  ]) as Tensor;
  if (options.activation ?? true) {
    out = tf.layers.activation({ activation: 'relu', name: `${blockName}_ac` }).apply(out) as Tensor;
  }
  return out;
}

function buildInceptionResNetV2(options: BuildOptions): tf.LayersModel {
  const scope: Scope = { init: initializers(options), names: new KerasAutoNames() };
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });

  // Stem: 35x35x192 at 299x299.
  let x = conv2dBn(scope, input, 32, 3, { strides: 2, padding: 'valid' });
  x = conv2dBn(scope, x, 32, 3, { padding: 'valid' });
  x = conv2dBn(scope, x, 64, 3);
  x = maxPool(scope, x);
  x = conv2dBn(scope, x, 80, 1, { padding: 'valid' });
  x = conv2dBn(scope, x, 192, 3, { padding: 'valid' });
  x = maxPool(scope, x);

  // Mixed 5b (Inception-A): 35x35x320.
  const b0 = conv2dBn(scope, x, 96, 1);
  let b1 = conv2dBn(scope, x, 48, 1);
  b1 = conv2dBn(scope, b1, 64, 5);
  let b2 = conv2dBn(scope, x, 64, 1);
  b2 = conv2dBn(scope, b2, 96, 3);
  b2 = conv2dBn(scope, b2, 96, 3);
  const pooled = tf.layers
    .averagePooling2d({ poolSize: 3, strides: 1, padding: 'same', name: scope.names.next('average_pooling2d') })
    .apply(x) as Tensor;
  const bPool = conv2dBn(scope, pooled, 64, 1);
  x = concat('mixed_5b', [b0, b1, b2, bPool]);

  for (let i = 1; i <= 10; i++) x = inceptionResnetUnit(scope, x, 'block35', i);

  // Mixed 6a (Reduction-A): 17x17x1088.
  const r0 = conv2dBn(scope, x, 384, 3, { strides: 2, padding: 'valid' });
  let r1 = conv2dBn(scope, x, 256, 1);
  r1 = conv2dBn(scope, r1, 256, 3);
  r1 = conv2dBn(scope, r1, 384, 3, { strides: 2, padding: 'valid' });
  x = concat('mixed_6a', [r0, r1, maxPool(scope, x)]);

  for (let i = 1; i <= 20; i++) x = inceptionResnetUnit(scope, x, 'block17', i);

  // Mixed 7a (Reduction-B): 8x8x2080.
  let s0 = conv2dBn(scope, x, 256, 1);
  s0 = conv2dBn(scope, s0, 384, 3, { strides: 2, padding: 'valid' });
  let s1 = conv2dBn(scope, x, 256, 1);
  s1 = conv2dBn(scope, s1, 288, 3, { strides: 2, padding: 'valid' });
  let s2 = conv2dBn(scope, x, 256, 1);
  s2 = conv2dBn(scope, s2, 288, 3);
  s2 = conv2dBn(scope, s2, 320, 3, { strides: 2, padding: 'valid' });
  x = concat('mixed_7a', [s0, s1, s2, maxPool(scope, x)]);

  for (let i = 1; i <= 9; i++) x = inceptionResnetUnit(scope, x, 'block8', i);
  x = inceptionResnetUnit(scope, x, 'block8', 10, { scale: 1.0, activation: false });

  // Final convolution block: 8x8x1536.
  x = conv2dBn(scope, x, 1536, 1, { name: 'conv_7b' });
  return tf.model({ inputs: input, outputs: x, name: 'inception_resnet_v2' });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  InceptionResNetV2: buildInceptionResNetV2,
};
