// tfjs-layers builders for the `resnet` family (ResNet50/101/152, v1), with Keras's layer names,
// include_top=False, pooling=None (keras/src/applications/resnet.py). The stem is shared with
// ResNet v2 (../resnet_v2/tfjs), which differs only in pre-activation.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { BatchNormalization } from '../../layers/BatchNormalization';

type Tensor = tf.SymbolicTensor;

/** Keras's ResNet batch normalization (epsilon 1.001e-5 on the channel axis). */
export function resnetBatchNorm(name: string, init: Initializers): tf.layers.Layer {
  return new BatchNormalization({
    axis: 3,
    epsilon: 1.001e-5,
    gammaInitializer: init.one,
    movingVarianceInitializer: init.one,
    name,
  });
}

export function resnetConv(
  name: string,
  filters: number,
  kernelSize: number,
  init: Initializers,
  options: { strides?: number; useBias?: boolean; padding?: 'same' | 'valid' } = {},
): tf.layers.Layer {
  return tf.layers.conv2d({
    filters,
    kernelSize,
    strides: options.strides ?? 1,
    padding: options.padding ?? 'valid',
    useBias: options.useBias ?? true,
    kernelInitializer: init.kernel,
    name,
  });
}

function relu(name: string): tf.layers.Layer {
  return tf.layers.activation({ activation: 'relu', name });
}

/**
 * The stem both ResNet versions share: conv1_pad, conv1_conv (+ conv1_bn, conv1_relu without
 * pre-activation), pool1_pad, pool1_pool.
 */
export function resnetStem(input: Tensor, preact: boolean, init: Initializers): Tensor {
  let x = tf.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }).apply(input) as Tensor;
  x = resnetConv('conv1_conv', 64, 7, init, { strides: 2 }).apply(x) as Tensor;
  if (!preact) {
    x = resnetBatchNorm('conv1_bn', init).apply(x) as Tensor;
    x = relu('conv1_relu').apply(x) as Tensor;
  }
  x = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pool1_pad' }).apply(x) as Tensor;
  return tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as Tensor;
}

/** Keras's residual_block_v1: a bottleneck with a projection or identity shortcut. */
function residualBlockV1(
  input: Tensor,
  filters: number,
  stride: number,
  convShortcut: boolean,
  name: string,
  init: Initializers,
): Tensor {
  let shortcut = input;
  if (convShortcut) {
    shortcut = resnetConv(`${name}_0_conv`, 4 * filters, 1, init, { strides: stride }).apply(input) as Tensor;
    shortcut = resnetBatchNorm(`${name}_0_bn`, init).apply(shortcut) as Tensor;
  }
  let x = resnetConv(`${name}_1_conv`, filters, 1, init, { strides: stride }).apply(input) as Tensor;
  x = resnetBatchNorm(`${name}_1_bn`, init).apply(x) as Tensor;
  x = relu(`${name}_1_relu`).apply(x) as Tensor;
  x = resnetConv(`${name}_2_conv`, filters, 3, init, { padding: 'same' }).apply(x) as Tensor;
  x = resnetBatchNorm(`${name}_2_bn`, init).apply(x) as Tensor;
  x = relu(`${name}_2_relu`).apply(x) as Tensor;
  x = resnetConv(`${name}_3_conv`, 4 * filters, 1, init).apply(x) as Tensor;
  x = resnetBatchNorm(`${name}_3_bn`, init).apply(x) as Tensor;
  x = tf.layers.add({ name: `${name}_add` }).apply([shortcut, x]) as Tensor;
  return relu(`${name}_out`).apply(x) as Tensor;
}

/** Keras's stack_residual_blocks_v1: the first block projects (and strides), the rest are identity. */
function stackV1(x: Tensor, filters: number, blocks: number, stride1: number, name: string, init: Initializers): Tensor {
  x = residualBlockV1(x, filters, stride1, true, `${name}_block1`, init);
  for (let i = 2; i <= blocks; i++) x = residualBlockV1(x, filters, 1, false, `${name}_block${i}`, init);
  return x;
}

/** Blocks per stage conv2..conv5. */
type StageDepths = [number, number, number, number];

function buildResNetV1(modelName: string, depths: StageDepths, options: BuildOptions): tf.LayersModel {
  const init = initializers(options);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = resnetStem(input, false, init);
  x = stackV1(x, 64, depths[0], 1, 'conv2', init);
  x = stackV1(x, 128, depths[1], 2, 'conv3', init);
  x = stackV1(x, 256, depths[2], 2, 'conv4', init);
  x = stackV1(x, 512, depths[3], 2, 'conv5', init);
  return tf.model({ inputs: input, outputs: x, name: modelName });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  ResNet50: (options) => buildResNetV1('resnet50', [3, 4, 6, 3], options),
  ResNet101: (options) => buildResNetV1('resnet101', [3, 4, 23, 3], options),
  ResNet152: (options) => buildResNetV1('resnet152', [3, 8, 36, 3], options),
};
