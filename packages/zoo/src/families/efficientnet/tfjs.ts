// tfjs-layers builders for the `efficientnet` family (EfficientNetB0 … B7), with Keras's layer
// names and order, include_top=False, pooling=None (keras/src/applications/efficientnet.py).
// The model rescales its own input as Keras's does with ImageNet weights: Rescaling(1/255),
// Normalization (statistics from the weights file), Rescaling(1/sqrt(stddev)).
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { apply, batchNorm, convKernelInitializer, squeezeExcite } from './parts';
import { correctPad } from '../../builders/correctPad';
import { Dropout } from '../../layers/Dropout';
import { Rescaling } from '../../layers/Rescaling';
import { Normalization } from '../../layers/Normalization';

interface StageArgs {
  kernelSize: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  strides: number;
}

/** Keras's DEFAULT_BLOCKS_ARGS (every stage has id_skip and se_ratio 0.25). */
const STAGES: StageArgs[] = [
  { kernelSize: 3, repeats: 1, filtersIn: 32, filtersOut: 16, expandRatio: 1, strides: 1 },
  { kernelSize: 3, repeats: 2, filtersIn: 16, filtersOut: 24, expandRatio: 6, strides: 2 },
  { kernelSize: 5, repeats: 2, filtersIn: 24, filtersOut: 40, expandRatio: 6, strides: 2 },
  { kernelSize: 3, repeats: 3, filtersIn: 40, filtersOut: 80, expandRatio: 6, strides: 2 },
  { kernelSize: 5, repeats: 3, filtersIn: 80, filtersOut: 112, expandRatio: 6, strides: 1 },
  { kernelSize: 5, repeats: 4, filtersIn: 112, filtersOut: 192, expandRatio: 6, strides: 2 },
  { kernelSize: 3, repeats: 1, filtersIn: 192, filtersOut: 320, expandRatio: 6, strides: 1 },
];

const SE_RATIO = 0.25;
const DROP_CONNECT_RATE = 0.2;
const BN_MOMENTUM = 0.99;
const IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225];

interface Variant {
  modelName: string;
  width: number;
  depth: number;
}

function roundFilters(filters: number, width: number, divisor = 8): number {
  const scaled = filters * width;
  const rounded = Math.max(divisor, Math.floor((scaled + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * scaled ? rounded + divisor : rounded;
}

const roundRepeats = (repeats: number, depth: number) => Math.ceil(depth * repeats);

/** One MBConv block (expansion, depthwise, squeeze-excite, projection, residual). */
function mbConv(
  inputs: tf.SymbolicTensor,
  args: StageArgs,
  dropRate: number,
  name: string,
  options: BuildOptions,
): tf.SymbolicTensor {
  const kernelInitializer = convKernelInitializer(options);
  const filters = args.filtersIn * args.expandRatio;
  let x = inputs;
  if (args.expandRatio !== 1) {
    x = apply(
      tf.layers.conv2d({
        filters,
        kernelSize: 1,
        padding: 'same',
        useBias: false,
        kernelInitializer,
        name: `${name}expand_conv`,
      }),
      x,
    );
    x = apply(batchNorm(`${name}expand_bn`, BN_MOMENTUM, options), x);
    x = apply(tf.layers.activation({ activation: 'swish', name: `${name}expand_activation` }), x);
  }
  if (args.strides === 2) {
    x = apply(
      tf.layers.zeroPadding2d({ padding: correctPad(x, args.kernelSize), name: `${name}dwconv_pad` }),
      x,
    );
  }
  x = apply(
    tf.layers.depthwiseConv2d({
      kernelSize: args.kernelSize,
      strides: args.strides,
      padding: args.strides === 2 ? 'valid' : 'same',
      useBias: false,
      depthwiseInitializer: kernelInitializer,
      name: `${name}dwconv`,
    }),
    x,
  );
  x = apply(batchNorm(`${name}bn`, BN_MOMENTUM, options), x);
  x = apply(tf.layers.activation({ activation: 'swish', name: `${name}activation` }), x);
  x = squeezeExcite(x, args.filtersIn, SE_RATIO, name, options);
  x = apply(
    tf.layers.conv2d({
      filters: args.filtersOut,
      kernelSize: 1,
      padding: 'same',
      useBias: false,
      kernelInitializer,
      name: `${name}project_conv`,
    }),
    x,
  );
  x = apply(batchNorm(`${name}project_bn`, BN_MOMENTUM, options), x);
  if (args.strides === 1 && args.filtersIn === args.filtersOut) {
    if (dropRate > 0) {
      x = apply(new Dropout({ rate: dropRate, noiseShape: [null, 1, 1, 1] as number[], name: `${name}drop` }), x);
    }
    x = apply(tf.layers.add({ name: `${name}add` }), [x, inputs]);
  }
  return x;
}

/**
 * The input rescaling Keras puts in front of the stem. Keras's last Rescaling has one factor per
 * RGB channel; a grayscale input gets their mean.
 */
function rescaleInput(input: tf.SymbolicTensor, channels: number): tf.SymbolicTensor {
  const perChannel = IMAGENET_STDDEV_RGB.map((stddev) => 1 / Math.sqrt(stddev));
  const scale =
    channels === IMAGENET_STDDEV_RGB.length
      ? perChannel
      : perChannel.reduce((sum, s) => sum + s, 0) / perChannel.length;
  let x = apply(new Rescaling({ scale: 1 / 255, name: 'rescaling' }), input);
  x = apply(new Normalization({ axis: -1, name: 'normalization' }), x);
  return apply(new Rescaling({ scale, name: 'rescaling_1' }), x);
}

function buildEfficientNet(variant: Variant, options: BuildOptions): tf.LayersModel {
  const kernelInitializer = convKernelInitializer(options);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = rescaleInput(input, options.inputShape[2]);
  x = apply(tf.layers.zeroPadding2d({ padding: correctPad(x, 3), name: 'stem_conv_pad' }), x);
  x = apply(
    tf.layers.conv2d({
      filters: roundFilters(32, variant.width),
      kernelSize: 3,
      strides: 2,
      padding: 'valid',
      useBias: false,
      kernelInitializer,
      name: 'stem_conv',
    }),
    x,
  );
  x = apply(batchNorm('stem_bn', BN_MOMENTUM, options), x);
  x = apply(tf.layers.activation({ activation: 'swish', name: 'stem_activation' }), x);

  const total = STAGES.reduce((sum, stage) => sum + roundRepeats(stage.repeats, variant.depth), 0);
  let b = 0;
  STAGES.forEach((stage, i) => {
    const filtersIn = roundFilters(stage.filtersIn, variant.width);
    const filtersOut = roundFilters(stage.filtersOut, variant.width);
    const repeats = roundRepeats(stage.repeats, variant.depth);
    for (let j = 0; j < repeats; j++) {
      const args: StageArgs =
        j === 0
          ? { ...stage, filtersIn, filtersOut }
          : { ...stage, filtersIn: filtersOut, filtersOut, strides: 1 };
      const name = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      x = mbConv(x, args, (DROP_CONNECT_RATE * b) / total, name, options);
      b += 1;
    }
  });

  x = apply(
    tf.layers.conv2d({
      filters: roundFilters(1280, variant.width),
      kernelSize: 1,
      padding: 'same',
      useBias: false,
      kernelInitializer,
      name: 'top_conv',
    }),
    x,
  );
  x = apply(batchNorm('top_bn', BN_MOMENTUM, options), x);
  x = apply(tf.layers.activation({ activation: 'swish', name: 'top_activation' }), x);
  return tf.model({ inputs: input, outputs: x, name: variant.modelName });
}

const VARIANTS: Record<string, Variant> = {
  EfficientNetB0: { modelName: 'efficientnetb0', width: 1.0, depth: 1.0 },
  EfficientNetB1: { modelName: 'efficientnetb1', width: 1.0, depth: 1.1 },
  EfficientNetB2: { modelName: 'efficientnetb2', width: 1.1, depth: 1.2 },
  EfficientNetB3: { modelName: 'efficientnetb3', width: 1.2, depth: 1.4 },
  EfficientNetB4: { modelName: 'efficientnetb4', width: 1.4, depth: 1.8 },
  EfficientNetB5: { modelName: 'efficientnetb5', width: 1.6, depth: 2.2 },
  EfficientNetB6: { modelName: 'efficientnetb6', width: 1.8, depth: 2.6 },
  EfficientNetB7: { modelName: 'efficientnetb7', width: 2.0, depth: 3.1 },
};

export const BUILDERS: Record<string, BackboneBuilder> = Object.fromEntries(
  Object.entries(VARIANTS).map(([name, variant]) => [
    name,
    (options: BuildOptions) => buildEfficientNet(variant, options),
  ]),
);
