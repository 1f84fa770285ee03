// RGB weights for a grayscale model: the first convolution's kernel [kh, kw, 3, out] summed over
// its input channels to [kh, kw, 1, out], so a gray pixel g gives what the RGB pixel (g, g, g)
// gave (the `sum` adaptation, tlc's default; `adapt skip` re-initialises the layer instead).
import * as tf from '@tensorflow/tfjs';

export type GrayscaleAdaptation = 'sum' | 'skip';

/** Sums a convolution kernel [kh, kw, in, out] over its input channels: [kh, kw, 1, out]. */
export function adaptKernelToGrayscale(kernel: tf.Tensor4D): tf.Tensor4D {
  if (kernel.rank !== 4) throw new Error(`expected a 4-D convolution kernel, got shape [${kernel.shape.join(', ')}]`);
  return tf.sum(kernel, 2, true) as tf.Tensor4D;
}
