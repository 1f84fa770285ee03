// tfjs-layers builders for the `resnet_v2` family (ResNet50V2/101V2/152V2), with Keras's layer
// names, include_top=False, pooling=None (keras/src/applications/resnet_v2.py, built by
// resnet.py with preact=True). Keras leaves the strided identity shortcuts' MaxPooling2D
// unnamed; they are named here as Keras numbers them: max_pooling2d, max_pooling2d_1, …
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { resnetBatchNorm, resnetConv, resnetStem } from '../resnet/tfjs';
import { KerasAutoNames } from '../../builders/kerasAutoNames';

type Tensor = tf.SymbolicTensor;

/** Keras's residual_block_v2: pre-activation bottleneck; the stride sits in the 3x3 conv. */
function residualBlockV2(
  input: Tensor,
  filters: number,
  stride: number,
  convShortcut: boolean,
  name: string,
  init: Initializers,
  names: KerasAutoNames,
): Tensor {
  let preact = resnetBatchNorm(`${name}_preact_bn`, init).apply(input) as Tensor;
  preact = tf.layers.activation({ activation: 'relu', name: `${name}_preact_relu` }).apply(preact) as Tensor;
  let shortcut = input;
  if (convShortcut) {
    shortcut = resnetConv(`${name}_0_conv`, 4 * filters, 1, init, { strides: stride }).apply(preact) as Tensor;
  } else if (stride > 1) {
    shortcut = tf.layers.maxPooling2d({ poolSize: 1, strides: stride, name: names.next('max_pooling2d') }).apply(input) as Tensor;
  }
  let x = resnetConv(`${name}_1_conv`, filters, 1, init, { useBias: false }).apply(preact) as Tensor;
  x = resnetBatchNorm(`${name}_1_bn`, init).apply(x) as Tensor;
  x = tf.layers.activation({ activation: 'relu', name: `${name}_1_relu` }).apply(x) as Tensor;
  x = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: `${name}_2_pad` }).apply(x) as Tensor;
  x = resnetConv(`${name}_2_conv`, filters, 3, init, { strides: stride, useBias: false }).apply(x) as Tensor;
  x = resnetBatchNorm(`${name}_2_bn`, init).apply(x) as Tensor;
  x = tf.layers.activation({ activation: 'relu', name: `${name}_2_relu` }).apply(x) as Tensor;
  x = resnetConv(`${name}_3_conv`, 4 * filters, 1, init).apply(x) as Tensor;
  return tf.layers.add({ name: `${name}_out` }).apply([shortcut, x]) as Tensor;
}

/** Keras's stack_residual_blocks_v2: projection first, stride in the last block. */
function stackV2(
  x: Tensor,
  filters: number,
  blocks: number,
  stride1: number,
  name: string,
  init: Initializers,
  names: KerasAutoNames,
): Tensor {
  x = residualBlockV2(x, filters, 1, true, `${name}_block1`, init, names);
  for (let i = 2; i < blocks; i++) x = residualBlockV2(x, filters, 1, false, `${name}_block${i}`, init, names);
  return residualBlockV2(x, filters, stride1, false, `${name}_block${blocks}`, init, names);
}

/** Blocks per stage conv2..conv5. */
type StageDepths = [number, number, number, number];

function buildResNetV2(modelName: string, depths: StageDepths, options: BuildOptions): tf.LayersModel {
  const init = initializers(options);
  const names = new KerasAutoNames();
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = resnetStem(input, true, init);
  x = stackV2(x, 64, depths[0], 2, 'conv2', init, names);
  x = stackV2(x, 128, depths[1], 2, 'conv3', init, names);
  x = stackV2(x, 256, depths[2], 2, 'conv4', init, names);
  x = stackV2(x, 512, depths[3], 1, 'conv5', init, names);
  x = resnetBatchNorm('post_bn', init).apply(x) as Tensor;
  x = tf.layers.activation({ activation: 'relu', name: 'post_relu' }).apply(x) as Tensor;
  return tf.model({ inputs: input, outputs: x, name: modelName });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  ResNet50V2: (options) => buildResNetV2('resnet50v2', [3, 4, 6, 3], options),
  ResNet101V2: (options) => buildResNetV2('resnet101v2', [3, 4, 23, 3], options),
  ResNet152V2: (options) => buildResNetV2('resnet152v2', [3, 8, 36, 3], options),
};
