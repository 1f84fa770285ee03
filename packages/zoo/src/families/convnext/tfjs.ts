// tfjs-layers builders for the `convnext` family (ConvNeXt Tiny/Small/Base/Large/XLarge), with
// Keras's layer names, include_top=False, pooling=None (keras/src/applications/convnext.py).
// As in Keras: a built-in Normalization (ImageNet mean / variance on 0..255 pixels), a stem and three downsampling blocks as nested Sequential models, and blocks whose
// depthwise 7x7 conv (Keras: Conv2D with groups = channels; here DepthwiseConv2D, the same
// weights with kernel shape [7, 7, C, 1] for Keras's [7, 7, 1, C]) feeds Dense layers.
// Keras leaves the residual additions and the final LayerNormalization unnamed; they carry
// TF-Keras's automatic names: tf.__operators__.add, tf.__operators__.add_1, …, layer_normalization.
// One deliberate difference: Keras drops the Normalization for non-RGB input; here a grayscale
// input is normalised with the channel-averaged statistics, so that RGB weights adapted to one
// channel (kernels summed) see inputs on the scale they were trained on, and the layer list is
// the same in both colour modes.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { Normalization } from '../../layers/Normalization';
import { LayerScale } from '../../layers/LayerScale';
import { KerasAutoNames } from '../../builders/kerasAutoNames';

type Tensor = tf.SymbolicTensor;

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];
const LAYER_SCALE_INIT = 1e-6;

interface ConvNeXtConfig {
  depths: [number, number, number, number];
  projectionDims: [number, number, number, number];
}

function layerNorm(name: string | undefined, init: Initializers): tf.layers.Layer {
  return tf.layers.layerNormalization({ axis: -1, epsilon: 1e-6, gammaInitializer: init.one, name });
}

function average(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Keras's PreStem: normalises 0..255 pixels with the ImageNet statistics (per channel for RGB,
 * averaged over the channels for grayscale).
 */
function preStem(x: Tensor, modelName: string, channels: number): Tensor {
  const mean = channels === 3 ? IMAGENET_MEAN : [average(IMAGENET_MEAN)];
  const std = channels === 3 ? IMAGENET_STD : [average(IMAGENET_STD)];
  return new Normalization({
    mean: mean.map((m) => m * 255),
    variance: std.map((s) => (s * 255) ** 2),
    name: `${modelName}_prestem_normalization`,
  }).apply(x) as Tensor;
}

/** A nested Sequential model applied as one layer, as Keras builds the stem and downsamplers. */
function sequentialBlock(x: Tensor, name: string, layers: tf.layers.Layer[]): Tensor {
  const block = tf.sequential({ name });
  block.add(tf.layers.inputLayer({ inputShape: x.shape.slice(1) as number[] }));
  for (const layer of layers) block.add(layer);
  return block.apply(x) as Tensor;
}

/** Keras's ConvNeXtBlock with drop_path_rate 0 (a linear `_identity` instead of StochasticDepth). */
function convNeXtBlock(input: Tensor, dim: number, name: string, init: Initializers, names: KerasAutoNames): Tensor {
  let x = tf.layers
    .depthwiseConv2d({
      kernelSize: 7,
      padding: 'same',
      depthMultiplier: 1,
      depthwiseInitializer: init.kernel,
      name: `${name}_depthwise_conv`,
    })
    .apply(input) as Tensor;
  x = layerNorm(`${name}_layernorm`, init).apply(x) as Tensor;
  x = tf.layers.dense({ units: 4 * dim, kernelInitializer: init.kernel, name: `${name}_pointwise_conv_1` }).apply(x) as Tensor;
  x = tf.layers.activation({ activation: 'gelu', name: `${name}_gelu` }).apply(x) as Tensor;
  x = tf.layers.dense({ units: dim, kernelInitializer: init.kernel, name: `${name}_pointwise_conv_2` }).apply(x) as Tensor;
  x = new LayerScale({
    initValues: LAYER_SCALE_INIT,
    projectionDim: dim,
    gammaInitializer: init.allZeros ? 'zeros' : undefined,
    name: `${name}_layer_scale`,
  }).apply(x) as Tensor;
  x = tf.layers.activation({ activation: 'linear', name: `${name}_identity` }).apply(x) as Tensor;
  return tf.layers.add({ name: names.next('tf.__operators__.add') }).apply([input, x]) as Tensor;
}

function buildConvNeXt(modelName: string, config: ConvNeXtConfig, options: BuildOptions): tf.LayersModel {
  const init = initializers(options);
  const names = new KerasAutoNames();
  const dims = config.projectionDims;
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = preStem(input, modelName, options.inputShape[2]);
  for (let stage = 0; stage < 4; stage++) {
    x =
      stage === 0
        ? sequentialBlock(x, `${modelName}_stem`, [
            tf.layers.conv2d({ filters: dims[0], kernelSize: 4, strides: 4, kernelInitializer: init.kernel, name: `${modelName}_stem_conv` }),
            layerNorm(`${modelName}_stem_layernorm`, init),
          ])
        : sequentialBlock(x, `${modelName}_downsampling_block_${stage - 1}`, [
            layerNorm(`${modelName}_downsampling_layernorm_${stage - 1}`, init),
            tf.layers.conv2d({ filters: dims[stage], kernelSize: 2, strides: 2, kernelInitializer: init.kernel, name: `${modelName}_downsampling_conv_${stage - 1}` }),
          ]);
    for (let block = 0; block < config.depths[stage]; block++) {
      x = convNeXtBlock(x, dims[stage], `${modelName}_stage_${stage}_block_${block}`, init, names);
    }
  }
  x = layerNorm('layer_normalization', init).apply(x) as Tensor;
  return tf.model({ inputs: input, outputs: x, name: modelName });
}

const DEEP: ConvNeXtConfig['depths'] = [3, 3, 27, 3];

export const BUILDERS: Record<string, BackboneBuilder> = {
  ConvNeXtTiny: (o) => buildConvNeXt('convnext_tiny', { depths: [3, 3, 9, 3], projectionDims: [96, 192, 384, 768] }, o),
  ConvNeXtSmall: (o) => buildConvNeXt('convnext_small', { depths: DEEP, projectionDims: [96, 192, 384, 768] }, o),
  ConvNeXtBase: (o) => buildConvNeXt('convnext_base', { depths: DEEP, projectionDims: [128, 256, 512, 1024] }, o),
  ConvNeXtLarge: (o) => buildConvNeXt('convnext_large', { depths: DEEP, projectionDims: [192, 384, 768, 1536] }, o),
  ConvNeXtXLarge: (o) => buildConvNeXt('convnext_xlarge', { depths: DEEP, projectionDims: [256, 512, 1024, 2048] }, o),
};
