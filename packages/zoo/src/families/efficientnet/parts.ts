// Pieces EfficientNet and EfficientNetV2 share in Keras (keras/src/applications/efficientnet.py,
// efficientnet_v2.py): the convolution kernel initializer and the squeeze-and-excitation phase.
import * as tf from '@tensorflow/tfjs';
import type { BuildOptions } from '../../builders/types';
import { BatchNormalization } from '../../layers/BatchNormalization';

/** tfjs exports initializer instances but not their class. */
type KernelInitializer = ReturnType<typeof tf.initializers.zeros>;

/** Keras's truncated normal scales its standard deviation up by 1 / this, tfjs's does not. */
const TRUNCATED_NORMAL_STDDEV = 0.8796256610342398;

/**
 * Keras's CONV_KERNEL_INITIALIZER, VarianceScaling(scale 2, fan_out, truncated_normal), or zeros.
 * tfjs's 'normal' distribution is its truncated normal; the scale carries Keras's correction.
 */
export function convKernelInitializer(options: BuildOptions): KernelInitializer {
  if (options.init === 'zeros') return tf.initializers.zeros();
  return tf.initializers.varianceScaling({
    scale: 2.0 / TRUNCATED_NORMAL_STDDEV ** 2,
    mode: 'fanOut',
    distribution: 'normal',
  });
}

/** Keras's default BatchNormalization (epsilon 1e-3) with the model's momentum. */
export function batchNorm(name: string, momentum: number, options: BuildOptions) {
  const one = options.init === 'zeros' ? 'zeros' : 'ones';
  return new BatchNormalization({
    axis: -1,
    momentum,
    gammaInitializer: one,
    movingVarianceInitializer: one,
    name,
  });
}

export const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
  layer.apply(x) as tf.SymbolicTensor;

/**
 * Squeeze and excitation as Keras builds it: global average pool, reshape to 1x1, a 1x1 reduce
 * convolution (swish), a 1x1 expand convolution (sigmoid), and the product with the input.
 */
export function squeezeExcite(
  x: tf.SymbolicTensor,
  filtersIn: number,
  seRatio: number,
  name: string,
  options: BuildOptions,
): tf.SymbolicTensor {
  const filters = x.shape[3] as number;
  const filtersSe = Math.max(1, Math.trunc(filtersIn * seRatio));
  const kernelInitializer = convKernelInitializer(options);
  let se = apply(tf.layers.globalAveragePooling2d({ name: `${name}se_squeeze` }), x);
  se = apply(tf.layers.reshape({ targetShape: [1, 1, filters], name: `${name}se_reshape` }), se);
  se = apply(
    tf.layers.conv2d({
      filters: filtersSe,
      kernelSize: 1,
      padding: 'same',
      activation: 'swish',
      kernelInitializer,
      name: `${name}se_reduce`,
    }),
    se,
  );
  se = apply(
    tf.layers.conv2d({
      filters,
      kernelSize: 1,
      padding: 'same',
      activation: 'sigmoid',
      kernelInitializer,
      name: `${name}se_expand`,
    }),
    se,
  );
  return apply(tf.layers.multiply({ name: `${name}se_excite` }), [x, se]);
}
