// tfjs-layers builders for NASNetMobile and NASNetLarge (keras/src/applications/nasnet.py),
// include_top=False, pooling=None. Every weighted layer has Keras's explicit name; the ReLUs,
// a few paddings, croppings, adds and concatenations are unnamed in Keras and get its automatic
// names in creation order (`activation` …, `zero_padding2d` …), so `model.layers` matches
// Keras's. A cell reads the outputs of the two cells before it (`ip` and `p`); where their sizes
// differ, `adjustBlock` projects `p`, deciding from the actual shapes as Keras does.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers } from '../../builders/kerasInit';
import { KerasAutoNames } from '../../builders/kerasAutoNames';
import { correctPad } from '../../builders/correctPad';
import { BatchNormalization } from '../../layers/BatchNormalization';

type Tensor = tf.SymbolicTensor;

interface Scope {
  names: KerasAutoNames;
  /** Conv2D kernels: Keras's he_normal here, or zeros. */
  convKernel: 'heNormal' | 'zeros';
  /** SeparableConv2D kernels: Keras's glorot_uniform, or zeros. */
  sepKernel: 'glorotUniform' | 'zeros';
  one: 'ones' | 'zeros';
}

interface NasnetConfig {
  modelName: string;
  penultimateFilters: number;
  numBlocks: number;
  stemBlockFilters: number;
  skipReduction: boolean;
  filterMultiplier: number;
}

function apply(layer: tf.layers.Layer, x: Tensor | Tensor[]): Tensor {
  return layer.apply(x) as Tensor;
}

function relu(scope: Scope, x: Tensor, name?: string): Tensor {
  return apply(tf.layers.activation({ activation: 'relu', name: name ?? scope.names.next('activation') }), x);
}

/** NASNet's batch normalization: momentum 0.9997, epsilon 1e-3. */
function batchNorm(scope: Scope, x: Tensor, name: string): Tensor {
  return apply(
    new BatchNormalization({
      axis: 3,
      momentum: 0.9997,
      epsilon: 1e-3,
      gammaInitializer: scope.one,
      movingVarianceInitializer: scope.one,
      name,
    }),
    x,
  );
}

/** A 1x1 'same' convolution without bias. */
function conv1x1(scope: Scope, x: Tensor, filters: number, name: string): Tensor {
  return apply(
    tf.layers.conv2d({
      filters,
      kernelSize: 1,
      padding: 'same',
      useBias: false,
      kernelInitializer: scope.convKernel,
      name,
    }),
    x,
  );
}

function sepConv(scope: Scope, x: Tensor, filters: number, kernel: number, strides: number, name: string): Tensor {
  return apply(
    tf.layers.separableConv2d({
      filters,
      kernelSize: kernel,
      strides,
      padding: strides === 2 ? 'valid' : 'same',
      useBias: false,
      depthwiseInitializer: scope.sepKernel,
      pointwiseInitializer: scope.sepKernel,
      name,
    }),
    x,
  );
}

/** Keras's `_separable_conv_block`: two ReLU + separable conv + BN, the first maybe strided. */
function separableConvBlock(
  scope: Scope,
  input: Tensor,
  filters: number,
  kernel: number,
  strides: number,
  blockId: string,
): Tensor {
  let x = relu(scope, input);
  if (strides === 2) {
    x = apply(tf.layers.zeroPadding2d({ padding: correctPad(x, kernel), name: `separable_conv_1_pad_${blockId}` }), x);
  }
  x = sepConv(scope, x, filters, kernel, strides, `separable_conv_1_${blockId}`);
  x = batchNorm(scope, x, `separable_conv_1_bn_${blockId}`);
  x = relu(scope, x);
  x = sepConv(scope, x, filters, kernel, 1, `separable_conv_2_${blockId}`);
  return batchNorm(scope, x, `separable_conv_2_bn_${blockId}`);
}

/** Keras's `_adjust_block`: brings the previous-previous output `p` to `ip`'s size and `filters`. */
function adjustBlock(scope: Scope, p: Tensor | null, ip: Tensor, filters: number, blockId: string): Tensor {
  if (p === null) return ip;
  if (p.shape[2] !== ip.shape[2]) {
    const pRelu = relu(scope, p, `adjust_relu_1_${blockId}`);
    const pool = (x: Tensor, name: string) =>
      apply(tf.layers.averagePooling2d({ poolSize: 1, strides: 2, padding: 'valid', name }), x);
    let p1 = pool(pRelu, `adjust_avg_pool_1_${blockId}`);
    p1 = conv1x1(scope, p1, Math.floor(filters / 2), `adjust_conv_1_${blockId}`);
    let p2 = apply(
      tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: scope.names.next('zero_padding2d') }),
      pRelu,
    );
    p2 = apply(tf.layers.cropping2D({ cropping: [[1, 0], [1, 0]], name: scope.names.next('cropping2d') }), p2);
    p2 = pool(p2, `adjust_avg_pool_2_${blockId}`);
    p2 = conv1x1(scope, p2, Math.floor(filters / 2), `adjust_conv_2_${blockId}`);
    const joined = apply(tf.layers.concatenate({ axis: 3, name: scope.names.next('concatenate') }), [p1, p2]);
    return batchNorm(scope, joined, `adjust_bn_${blockId}`);
  }
  if (p.shape[3] !== filters) {
    let x = relu(scope, p);
    x = conv1x1(scope, x, filters, `adjust_conv_projection_${blockId}`);
    return batchNorm(scope, x, `adjust_bn_${blockId}`);
  }
  return p;
}

function addLayer(x: Tensor[], name: string): Tensor {
  return apply(tf.layers.add({ name }), x);
}

function avgPool3(x: Tensor, strides: number, name: string): Tensor {
  return apply(
    tf.layers.averagePooling2d({ poolSize: 3, strides, padding: strides === 1 ? 'same' : 'valid', name }),
    x,
  );
}

/** Keras's `_normal_a_cell`; returns [output, ip] (the next cell's `p`). */
function normalCell(scope: Scope, ip: Tensor, pIn: Tensor | null, filters: number, id: string): [Tensor, Tensor] {
  const p = adjustBlock(scope, pIn, ip, filters, id);
  let h = relu(scope, ip);
  h = conv1x1(scope, h, filters, `normal_conv_1_${id}`);
  h = batchNorm(scope, h, `normal_bn_1_${id}`);

  const x1 = addLayer(
    [
      separableConvBlock(scope, h, filters, 5, 1, `normal_left1_${id}`),
      separableConvBlock(scope, p, filters, 3, 1, `normal_right1_${id}`),
    ],
    `normal_add_1_${id}`,
  );
  const x2 = addLayer(
    [
      separableConvBlock(scope, p, filters, 5, 1, `normal_left2_${id}`),
      separableConvBlock(scope, p, filters, 3, 1, `normal_right2_${id}`),
    ],
    `normal_add_2_${id}`,
  );
  const x3 = addLayer([avgPool3(h, 1, `normal_left3_${id}`), p], `normal_add_3_${id}`);
  const x4 = addLayer(
    [avgPool3(p, 1, `normal_left4_${id}`), avgPool3(p, 1, `normal_right4_${id}`)],
    `normal_add_4_${id}`,
  );
  const x5 = addLayer([separableConvBlock(scope, h, filters, 3, 1, `normal_left5_${id}`), h], `normal_add_5_${id}`);
  const x = apply(tf.layers.concatenate({ axis: 3, name: `normal_concat_${id}` }), [p, x1, x2, x3, x4, x5]);
  return [x, ip];
}

/** Keras's `_reduction_a_cell`; returns [output, ip]. */
function reductionCell(scope: Scope, ip: Tensor, pIn: Tensor | null, filters: number, id: string): [Tensor, Tensor] {
  const p = adjustBlock(scope, pIn, ip, filters, id);
  let h = relu(scope, ip);
  h = conv1x1(scope, h, filters, `reduction_conv_1_${id}`);
  h = batchNorm(scope, h, `reduction_bn_1_${id}`);
  const h3 = apply(tf.layers.zeroPadding2d({ padding: correctPad(h, 3), name: `reduction_pad_1_${id}` }), h);
  const maxPool = (x: Tensor, name: string) =>
    apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name }), x);

  const x1 = addLayer(
    [
      separableConvBlock(scope, h, filters, 5, 2, `reduction_left1_${id}`),
      separableConvBlock(scope, p, filters, 7, 2, `reduction_right1_${id}`),
    ],
    `reduction_add_1_${id}`,
  );
  const x2 = addLayer(
    [maxPool(h3, `reduction_left2_${id}`), separableConvBlock(scope, p, filters, 7, 2, `reduction_right2_${id}`)],
    `reduction_add_2_${id}`,
  );
  const x3 = addLayer(
    [avgPool3(h3, 2, `reduction_left3_${id}`), separableConvBlock(scope, p, filters, 5, 2, `reduction_right3_${id}`)],
    `reduction_add3_${id}`,
  );
  const x4 = addLayer([x2, avgPool3(x1, 1, `reduction_left4_${id}`)], scope.names.next('add'));
  const x5 = addLayer(
    [separableConvBlock(scope, x1, filters, 3, 1, `reduction_left4_${id}`), maxPool(h3, `reduction_right5_${id}`)],
    `reduction_add4_${id}`,
  );
  const x = apply(tf.layers.concatenate({ axis: 3, name: `reduction_concat_${id}` }), [x2, x3, x4, x5]);
  return [x, ip];
}

function buildNasnet(config: NasnetConfig, options: BuildOptions): tf.LayersModel {
  const init = initializers(options);
  const zeros = init.kernel === 'zeros';
  const scope: Scope = {
    names: new KerasAutoNames(),
    convKernel: zeros ? 'zeros' : 'heNormal',
    sepKernel: zeros ? 'zeros' : 'glorotUniform',
    one: init.one,
  };
  const { numBlocks, filterMultiplier: m, skipReduction } = config;
  const filters = Math.floor(config.penultimateFilters / 24);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });

  let x = apply(
    tf.layers.conv2d({
      filters: config.stemBlockFilters,
      kernelSize: 3,
      strides: 2,
      padding: 'valid',
      useBias: false,
      kernelInitializer: scope.convKernel,
      name: 'stem_conv1',
    }),
    input,
  );
  x = batchNorm(scope, x, 'stem_bn1');

  let p: Tensor | null = null;
  let p0: Tensor;
  [x, p] = reductionCell(scope, x, p, Math.floor(filters / m ** 2), 'stem_1');
  [x, p] = reductionCell(scope, x, p, Math.floor(filters / m), 'stem_2');
  for (let i = 0; i < numBlocks; i++) [x, p] = normalCell(scope, x, p, filters, `${i}`);

  [x, p0] = reductionCell(scope, x, p, filters * m, `reduce_${numBlocks}`);
  if (!skipReduction) p = p0;
  for (let i = 0; i < numBlocks; i++) [x, p] = normalCell(scope, x, p, filters * m, `${numBlocks + i + 1}`);

  [x, p0] = reductionCell(scope, x, p, filters * m ** 2, `reduce_${2 * numBlocks}`);
  if (!skipReduction) p = p0;
  for (let i = 0; i < numBlocks; i++) [x, p] = normalCell(scope, x, p, filters * m ** 2, `${2 * numBlocks + i + 1}`);

  x = relu(scope, x);
  return tf.model({ inputs: input, outputs: x, name: config.modelName });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  NASNetMobile: (options) =>
    buildNasnet(
      {
        modelName: 'nasnet_mobile',
        penultimateFilters: 1056,
        numBlocks: 4,
        stemBlockFilters: 32,
        skipReduction: false,
        filterMultiplier: 2,
      },
      options,
    ),
  NASNetLarge: (options) =>
    buildNasnet(
      {
        modelName: 'nasnet_large',
        penultimateFilters: 4032,
        numBlocks: 6,
        stemBlockFilters: 96,
        skipReduction: true,
        filterMultiplier: 2,
      },
      options,
    ),
};
