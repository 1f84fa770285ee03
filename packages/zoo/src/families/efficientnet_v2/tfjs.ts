// tfjs-layers builders for the `efficientnet_v2` family (EfficientNetV2B0 … B3, S, M, L), with
// Keras's layer names and order, include_top=False, pooling=None, include_preprocessing=True
// (keras/src/applications/efficientnet_v2.py).
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { apply, batchNorm, convKernelInitializer, squeezeExcite } from '../efficientnet/parts';
import { Dropout } from '../../layers/Dropout';
import { Rescaling } from '../../layers/Rescaling';
import { Normalization } from '../../layers/Normalization';

interface StageArgs {
  kernelSize: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  seRatio: number;
  strides: number;
  fused: boolean;
}

type StageRow = [kernel: number, repeats: number, filtersIn: number, filtersOut: number, expand: number, se: number, strides: number, fused: 0 | 1];

const stages = (rows: StageRow[]): StageArgs[] =>
  rows.map(([kernelSize, repeats, filtersIn, filtersOut, expandRatio, seRatio, strides, fused]) => ({
    kernelSize, repeats, filtersIn, filtersOut, expandRatio, seRatio, strides, fused: fused === 1,
  }));

/** Keras's DEFAULT_BLOCKS_ARGS; the B variants share one table, scaled by width and depth. */
const BLOCKS_ARGS = {
  b: stages([
    [3, 1, 32, 16, 1, 0, 1, 1],
    [3, 2, 16, 32, 4, 0, 2, 1],
    [3, 2, 32, 48, 4, 0, 2, 1],
    [3, 3, 48, 96, 4, 0.25, 2, 0],
    [3, 5, 96, 112, 6, 0.25, 1, 0],
    [3, 8, 112, 192, 6, 0.25, 2, 0],
  ]),
  s: stages([
    [3, 2, 24, 24, 1, 0, 1, 1],
    [3, 4, 24, 48, 4, 0, 2, 1],
    [3, 4, 48, 64, 4, 0, 2, 1],
    [3, 6, 64, 128, 4, 0.25, 2, 0],
    [3, 9, 128, 160, 6, 0.25, 1, 0],
    [3, 15, 160, 256, 6, 0.25, 2, 0],
  ]),
  m: stages([
    [3, 3, 24, 24, 1, 0, 1, 1],
    [3, 5, 24, 48, 4, 0, 2, 1],
    [3, 5, 48, 80, 4, 0, 2, 1],
    [3, 7, 80, 160, 4, 0.25, 2, 0],
    [3, 14, 160, 176, 6, 0.25, 1, 0],
    [3, 18, 176, 304, 6, 0.25, 2, 0],
    [3, 5, 304, 512, 6, 0.25, 1, 0],
  ]),
  l: stages([
    [3, 4, 32, 32, 1, 0, 1, 1],
    [3, 7, 32, 64, 4, 0, 2, 1],
    [3, 7, 64, 96, 4, 0, 2, 1],
    [3, 10, 96, 192, 4, 0.25, 2, 0],
    [3, 19, 192, 224, 6, 0.25, 1, 0],
    [3, 25, 224, 384, 6, 0.25, 2, 0],
    [3, 7, 384, 640, 6, 0.25, 1, 0],
  ]),
};

const BN_MOMENTUM = 0.9;
const DROP_CONNECT_RATE = 0.2;
const IMAGENET_MEAN_RGB = [0.485, 0.456, 0.406];
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];

interface Variant {
  modelName: string;
  width: number;
  depth: number;
  blocks: StageArgs[];
}

/** EfficientNetV2's round_filters: to a multiple of 8, at least 8 (no 10% rule, unlike V1). */
function roundFilters(filters: number, width: number, divisor = 8): number {
  return Math.max(divisor, Math.floor((filters * width + divisor / 2) / divisor) * divisor);
}

/**
 * Keras's in-model preprocessing: the B variants on RGB input use EfficientNet's ImageNet
 * normalization; the others (and any non-RGB input) scale to [-1, 1].
 */
function preprocess(input: tf.SymbolicTensor, variant: Variant, channels: number): tf.SymbolicTensor {
  if (variant.modelName.split('-').pop()!.startsWith('b') && channels === 3) {
    const x = apply(new Rescaling({ scale: 1 / 255, name: 'rescaling' }), input);
    return apply(
      new Normalization({
        axis: -1,
        mean: IMAGENET_MEAN_RGB,
        variance: IMAGENET_STDDEV_RGB.map((s) => s ** 2),
        name: 'normalization',
      }),
      x,
    );
  }
  return apply(new Rescaling({ scale: 1 / 128, offset: -1, name: 'rescaling' }), input);
}

function conv(filters: number, kernelSize: number, strides: number, name: string, options: BuildOptions) {
  return tf.layers.conv2d({
    filters,
    kernelSize,
    strides,
    padding: 'same',
    useBias: false,
    kernelInitializer: convKernelInitializer(options),
    name,
  });
}

/** The residual tail both block kinds share: dropout (when its rate is not 0) and the add. */
function residual(
  x: tf.SymbolicTensor,
  inputs: tf.SymbolicTensor,
  args: StageArgs,
  dropRate: number,
  name: string,
): tf.SymbolicTensor {
  if (args.strides !== 1 || args.filtersIn !== args.filtersOut) return x;
  if (dropRate) {
    x = apply(new Dropout({ rate: dropRate, noiseShape: [null, 1, 1, 1] as number[], name: `${name}drop` }), x);
  }
  return apply(tf.layers.add({ name: `${name}add` }), [x, inputs]);
}

function expand(x: tf.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string, options: BuildOptions) {
  x = apply(conv(filters, kernelSize, strides, `${name}expand_conv`, options), x);
  x = apply(batchNorm(`${name}expand_bn`, BN_MOMENTUM, options), x);
  return apply(tf.layers.activation({ activation: 'swish', name: `${name}expand_activation` }), x);
}

/** MBConv: 1x1 expansion, depthwise convolution, squeeze-excite, 1x1 projection. */
function mbConv(inputs: tf.SymbolicTensor, args: StageArgs, dropRate: number, name: string, options: BuildOptions) {
  const filters = args.filtersIn * args.expandRatio;
  let x = args.expandRatio !== 1 ? expand(inputs, filters, 1, 1, name, options) : inputs;
  x = apply(
    tf.layers.depthwiseConv2d({
      kernelSize: args.kernelSize,
      strides: args.strides,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: convKernelInitializer(options),
      name: `${name}dwconv2`,
    }),
    x,
  );
  x = apply(batchNorm(`${name}bn`, BN_MOMENTUM, options), x);
  x = apply(tf.layers.activation({ activation: 'swish', name: `${name}activation` }), x);
  if (args.seRatio > 0 && args.seRatio <= 1) x = squeezeExcite(x, args.filtersIn, args.seRatio, name, options);
  x = apply(conv(args.filtersOut, 1, 1, `${name}project_conv`, options), x);
  x = apply(batchNorm(`${name}project_bn`, BN_MOMENTUM, options), x);
  return residual(x, inputs, args, dropRate, name);
}

/** Fused MBConv: one full convolution in place of the 1x1 expansion and the depthwise one. */
function fusedMbConv(inputs: tf.SymbolicTensor, args: StageArgs, dropRate: number, name: string, options: BuildOptions) {
  const filters = args.filtersIn * args.expandRatio;
  const expands = args.expandRatio !== 1;
  let x = expands ? expand(inputs, filters, args.kernelSize, args.strides, name, options) : inputs;
  if (args.seRatio > 0 && args.seRatio <= 1) x = squeezeExcite(x, args.filtersIn, args.seRatio, name, options);
  x = apply(
    conv(args.filtersOut, expands ? 1 : args.kernelSize, expands ? 1 : args.strides, `${name}project_conv`, options),
    x,
  );
  x = apply(batchNorm(`${name}project_bn`, BN_MOMENTUM, options), x);
  if (!expands) {
    x = apply(tf.layers.activation({ activation: 'swish', name: `${name}project_activation` }), x);
  }
  return residual(x, inputs, args, dropRate, name);
}

function buildEfficientNetV2(variant: Variant, options: BuildOptions): tf.LayersModel {
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = preprocess(input, variant, options.inputShape[2]);
  x = apply(conv(roundFilters(variant.blocks[0].filtersIn, variant.width), 3, 2, 'stem_conv', options), x);
  x = apply(batchNorm('stem_bn', BN_MOMENTUM, options), x);
  x = apply(tf.layers.activation({ activation: 'swish', name: 'stem_activation' }), x);

  // Keras divides by the unscaled number of blocks here (it only sets the dropout rates).
  const total = variant.blocks.reduce((sum, stage) => sum + stage.repeats, 0);
  let b = 0;
  variant.blocks.forEach((stage, i) => {
    const filtersIn = roundFilters(stage.filtersIn, variant.width);
    const filtersOut = roundFilters(stage.filtersOut, variant.width);
    const repeats = Math.ceil(variant.depth * stage.repeats);
    const block = stage.fused ? fusedMbConv : mbConv;
    for (let j = 0; j < repeats; j++) {
      const args: StageArgs =
        j === 0 ? { ...stage, filtersIn, filtersOut } : { ...stage, filtersIn: filtersOut, filtersOut, strides: 1 };
      x = block(x, args, (DROP_CONNECT_RATE * b) / total, `block${i + 1}${String.fromCharCode(97 + j)}_`, options);
      b += 1;
    }
  });

  x = apply(conv(roundFilters(1280, variant.width), 1, 1, 'top_conv', options), x);
  x = apply(batchNorm('top_bn', BN_MOMENTUM, options), x);
  x = apply(tf.layers.activation({ activation: 'swish', name: 'top_activation' }), x);
  return tf.model({ inputs: input, outputs: x, name: variant.modelName });
}

const VARIANTS: Record<string, Variant> = {
  EfficientNetV2B0: { modelName: 'efficientnetv2-b0', width: 1.0, depth: 1.0, blocks: BLOCKS_ARGS.b },
  EfficientNetV2B1: { modelName: 'efficientnetv2-b1', width: 1.0, depth: 1.1, blocks: BLOCKS_ARGS.b },
  EfficientNetV2B2: { modelName: 'efficientnetv2-b2', width: 1.1, depth: 1.2, blocks: BLOCKS_ARGS.b },
  EfficientNetV2B3: { modelName: 'efficientnetv2-b3', width: 1.2, depth: 1.4, blocks: BLOCKS_ARGS.b },
  EfficientNetV2S: { modelName: 'efficientnetv2-s', width: 1.0, depth: 1.0, blocks: BLOCKS_ARGS.s },
  EfficientNetV2M: { modelName: 'efficientnetv2-m', width: 1.0, depth: 1.0, blocks: BLOCKS_ARGS.m },
  EfficientNetV2L: { modelName: 'efficientnetv2-l', width: 1.0, depth: 1.0, blocks: BLOCKS_ARGS.l },
};

export const BUILDERS: Record<string, BackboneBuilder> = Object.fromEntries(
  Object.entries(VARIANTS).map(([name, variant]) => [
    name,
    (options: BuildOptions) => buildEfficientNetV2(variant, options),
  ]),
);
