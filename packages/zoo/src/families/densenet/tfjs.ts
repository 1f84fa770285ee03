// tfjs-layers builders for the `densenet` family (DenseNet121/169/201), with Keras's layer
// names, include_top=False, pooling=None (keras/src/applications/densenet.py). Keras leaves the
// stem's two ZeroPadding2D unnamed; they are named as Keras numbers them: zero_padding2d, _1.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { BatchNormalization } from '../../layers/BatchNormalization';

type Tensor = tf.SymbolicTensor;

const GROWTH_RATE = 32;
const REDUCTION = 0.5;

function batchNorm(name: string, init: Initializers): tf.layers.Layer {
  return new BatchNormalization({
    axis: 3,
    epsilon: 1.001e-5,
    gammaInitializer: init.one,
    movingVarianceInitializer: init.one,
    name,
  });
}

function relu(name: string): tf.layers.Layer {
  return tf.layers.activation({ activation: 'relu', name });
}

function conv(name: string, filters: number, kernelSize: number, init: Initializers, padding: 'same' | 'valid' = 'valid') {
  return tf.layers.conv2d({ filters, kernelSize, padding, useBias: false, kernelInitializer: init.kernel, name });
}

function channels(x: Tensor): number {
  return x.shape[3] as number;
}

/** Keras's conv_block: bn-relu-1x1 conv-bn-relu-3x3 conv, concatenated onto its input. */
function convBlock(x: Tensor, name: string, init: Initializers): Tensor {
  let x1 = batchNorm(`${name}_0_bn`, init).apply(x) as Tensor;
  x1 = relu(`${name}_0_relu`).apply(x1) as Tensor;
  x1 = conv(`${name}_1_conv`, 4 * GROWTH_RATE, 1, init).apply(x1) as Tensor;
  x1 = batchNorm(`${name}_1_bn`, init).apply(x1) as Tensor;
  x1 = relu(`${name}_1_relu`).apply(x1) as Tensor;
  x1 = conv(`${name}_2_conv`, GROWTH_RATE, 3, init, 'same').apply(x1) as Tensor;
  return tf.layers.concatenate({ axis: 3, name: `${name}_concat` }).apply([x, x1]) as Tensor;
}

function denseBlock(x: Tensor, blocks: number, name: string, init: Initializers): Tensor {
  for (let i = 1; i <= blocks; i++) x = convBlock(x, `${name}_block${i}`, init);
  return x;
}

/** Keras's transition_block: bn-relu, a 1x1 conv halving the channels, 2x2 average pooling. */
function transitionBlock(x: Tensor, name: string, init: Initializers): Tensor {
  x = batchNorm(`${name}_bn`, init).apply(x) as Tensor;
  x = relu(`${name}_relu`).apply(x) as Tensor;
  x = conv(`${name}_conv`, Math.floor(channels(x) * REDUCTION), 1, init).apply(x) as Tensor;
  return tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }).apply(x) as Tensor;
}

/** Conv blocks in dense blocks conv2..conv5. */
type BlockCounts = [number, number, number, number];

function buildDenseNet(modelName: string, blocks: BlockCounts, options: BuildOptions): tf.LayersModel {
  const init = initializers(options);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = tf.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'zero_padding2d' }).apply(input) as Tensor;
  x = tf.layers
    .conv2d({ filters: 64, kernelSize: 7, strides: 2, useBias: false, kernelInitializer: init.kernel, name: 'conv1_conv' })
    .apply(x) as Tensor;
  x = batchNorm('conv1_bn', init).apply(x) as Tensor;
  x = relu('conv1_relu').apply(x) as Tensor;
  x = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'zero_padding2d_1' }).apply(x) as Tensor;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1' }).apply(x) as Tensor;
  x = denseBlock(x, blocks[0], 'conv2', init);
  x = transitionBlock(x, 'pool2', init);
  x = denseBlock(x, blocks[1], 'conv3', init);
  x = transitionBlock(x, 'pool3', init);
  x = denseBlock(x, blocks[2], 'conv4', init);
  x = transitionBlock(x, 'pool4', init);
  x = denseBlock(x, blocks[3], 'conv5', init);
  x = batchNorm('bn', init).apply(x) as Tensor;
  x = relu('relu').apply(x) as Tensor;
  return tf.model({ inputs: input, outputs: x, name: modelName });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  DenseNet121: (options) => buildDenseNet('densenet121', [6, 12, 24, 16], options),
  DenseNet169: (options) => buildDenseNet('densenet169', [6, 12, 32, 32], options),
  DenseNet201: (options) => buildDenseNet('densenet201', [6, 12, 48, 32], options),
};
