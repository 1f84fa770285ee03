// tfjs-layers builder for Xception (keras/src/applications/xception.py), include_top=False,
// pooling=None. Keras names every layer except the four residual 1x1 convolutions, their batch
// norms and the residual adds; those get Keras's automatic names in creation order (`conv2d` …,
// `batch_normalization` …, `add` … `add_11`), so `model.layers` matches Keras's.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { KerasAutoNames } from '../../builders/kerasAutoNames';

type Tensor = tf.SymbolicTensor;

interface Scope {
  init: Initializers;
  names: KerasAutoNames;
}

function batchNorm(scope: Scope, x: Tensor, name: string): Tensor {
  return tf.layers
    .batchNormalization({
      axis: 3,
      gammaInitializer: scope.init.one,
      movingVarianceInitializer: scope.init.one,
      name,
    })
    .apply(x) as Tensor;
}

function relu(x: Tensor, name: string): Tensor {
  return tf.layers.activation({ activation: 'relu', name }).apply(x) as Tensor;
}

/** A 3x3 'same' separable convolution without bias, then its batch norm (`NAME_bn`). */
function sepConvBn(scope: Scope, x: Tensor, filters: number, name: string): Tensor {
  x = tf.layers
    .separableConv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: scope.init.kernel,
      pointwiseInitializer: scope.init.kernel,
      name,
    })
    .apply(x) as Tensor;
  return batchNorm(scope, x, `${name}_bn`);
}

/** The strided 1x1 projection of a downsampling block's shortcut (unnamed in Keras). */
function residualProjection(scope: Scope, x: Tensor, filters: number): Tensor {
  const r = tf.layers
    .conv2d({
      filters,
      kernelSize: 1,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: scope.init.kernel,
      name: scope.names.next('conv2d'),
    })
    .apply(x) as Tensor;
  return batchNorm(scope, r, scope.names.next('batch_normalization'));
}

function add(scope: Scope, inputs: Tensor[]): Tensor {
  return tf.layers.add({ name: scope.names.next('add') }).apply(inputs) as Tensor;
}

/**
 * A downsampling block (block2–4, block13): two separable convolutions, a 3x3 stride-2 max
 * pooling, plus the projected shortcut. block2 starts without the leading ReLU.
 */
function downsamplingBlock(
  scope: Scope,
  x: Tensor,
  block: number,
  filters: [number, number],
  leadingRelu: boolean,
): Tensor {
  const prefix = `block${block}`;
  const residual = residualProjection(scope, x, filters[1]);
  if (leadingRelu) x = relu(x, `${prefix}_sepconv1_act`);
  x = sepConvBn(scope, x, filters[0], `${prefix}_sepconv1`);
  x = relu(x, `${prefix}_sepconv2_act`);
  x = sepConvBn(scope, x, filters[1], `${prefix}_sepconv2`);
  x = tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: `${prefix}_pool` })
    .apply(x) as Tensor;
  return add(scope, [x, residual]);
}

/** A middle-flow block (block5–12): three ReLU + separable convolutions and an identity add. */
function middleBlock(scope: Scope, x: Tensor, block: number): Tensor {
  const residual = x;
  for (let i = 1; i <= 3; i++) {
    x = relu(x, `block${block}_sepconv${i}_act`);
    x = sepConvBn(scope, x, 728, `block${block}_sepconv${i}`);
  }
  return add(scope, [x, residual]);
}

function buildXception(options: BuildOptions): tf.LayersModel {
  const scope: Scope = { init: initializers(options), names: new KerasAutoNames() };
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });

  // Entry flow.
  let x = tf.layers
    .conv2d({
      filters: 32,
      kernelSize: 3,
      strides: 2,
      useBias: false,
      kernelInitializer: scope.init.kernel,
      name: 'block1_conv1',
    })
    .apply(input) as Tensor;
  x = relu(batchNorm(scope, x, 'block1_conv1_bn'), 'block1_conv1_act');
  x = tf.layers
    .conv2d({ filters: 64, kernelSize: 3, useBias: false, kernelInitializer: scope.init.kernel, name: 'block1_conv2' })
    .apply(x) as Tensor;
  x = relu(batchNorm(scope, x, 'block1_conv2_bn'), 'block1_conv2_act');

  x = downsamplingBlock(scope, x, 2, [128, 128], false);
  x = downsamplingBlock(scope, x, 3, [256, 256], true);
  x = downsamplingBlock(scope, x, 4, [728, 728], true);

  // Middle flow.
  for (let block = 5; block <= 12; block++) x = middleBlock(scope, x, block);

  // Exit flow.
  x = downsamplingBlock(scope, x, 13, [728, 1024], true);
  x = sepConvBn(scope, x, 1536, 'block14_sepconv1');
  x = relu(x, 'block14_sepconv1_act');
  x = sepConvBn(scope, x, 2048, 'block14_sepconv2');
  x = relu(x, 'block14_sepconv2_act');
  return tf.model({ inputs: input, outputs: x, name: 'xception' });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  Xception: buildXception,
};
