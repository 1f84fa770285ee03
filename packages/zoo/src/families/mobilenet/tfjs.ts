// tfjs-layers builder for the `mobilenet` family (MobileNet v1, any alpha, depth multiplier 1),
// with Keras's layer names and order, include_top=False, pooling=None
// (keras/src/applications/mobilenet.py).
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { BatchNormalization } from '../../layers/BatchNormalization';

/** The 13 depthwise-separable blocks: [pointwise filters before alpha, stride]. */
const BLOCKS: Array<[filters: number, stride: number]> = [
  [64, 1],
  [128, 2], [128, 1],
  [256, 2], [256, 1],
  [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1],
  [1024, 2], [1024, 1],
];

const call = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;

/** Keras's default BatchNormalization (momentum 0.99, epsilon 1e-3), as MobileNet uses it. */
function batchNorm(name: string, init: Initializers) {
  return new BatchNormalization({
    axis: -1,
    gammaInitializer: init.one,
    movingVarianceInitializer: init.one,
    name,
  });
}

function depthwiseConvBlock(
  inputs: tf.SymbolicTensor,
  [filters, stride]: [number, number],
  alpha: number,
  blockId: number,
  init: Initializers,
): tf.SymbolicTensor {
  let x = inputs;
  if (stride !== 1) {
    x = call(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `conv_pad_${blockId}` }), x);
  }
  x = call(
    tf.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: stride,
      padding: stride === 1 ? 'same' : 'valid',
      depthMultiplier: 1,
      useBias: false,
      depthwiseInitializer: init.kernel,
      name: `conv_dw_${blockId}`,
    }),
    x,
  );
  x = call(batchNorm(`conv_dw_${blockId}_bn`, init), x);
  x = call(tf.layers.reLU({ maxValue: 6, name: `conv_dw_${blockId}_relu` }), x);
  x = call(
    tf.layers.conv2d({
      filters: Math.trunc(filters * alpha),
      kernelSize: 1,
      padding: 'same',
      useBias: false,
      kernelInitializer: init.kernel,
      name: `conv_pw_${blockId}`,
    }),
    x,
  );
  x = call(batchNorm(`conv_pw_${blockId}_bn`, init), x);
  return call(tf.layers.reLU({ maxValue: 6, name: `conv_pw_${blockId}_relu` }), x);
}

/** MobileNet v1 without its top, for any alpha (Keras's ImageNet weights: 0.25 … 1.0). */
export function buildMobileNet(options: BuildOptions): tf.LayersModel {
  const alpha = options.alpha ?? 1.0;
  const init = initializers(options);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = call(
    tf.layers.conv2d({
      filters: Math.trunc(32 * alpha),
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: init.kernel,
      name: 'conv1',
    }),
    input,
  );
  x = call(batchNorm('conv1_bn', init), x);
  x = call(tf.layers.reLU({ maxValue: 6, name: 'conv1_relu' }), x);
  BLOCKS.forEach((block, index) => {
    x = depthwiseConvBlock(x, block, alpha, index + 1, init);
  });
  const rows = options.inputShape[0];
  return tf.model({ inputs: input, outputs: x, name: `mobilenet_${alpha.toFixed(2)}_${rows}` });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  MobileNet: buildMobileNet,
};
