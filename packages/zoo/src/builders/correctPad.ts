// Keras's `imagenet_utils.correct_pad`: the zero padding placed before a strided 'valid'
// convolution so it samples the same pixels TensorFlow's 'same' padding would.
import type * as tf from '@tensorflow/tfjs';

type Padding2D = [[number, number], [number, number]];

/**
 * ((top, bottom), (left, right)) for a kernel of `kernelSize` on `x` (NHWC): k//2 on both sides,
 * one less before the data along an even-sized axis (or one of unknown size).
 */
export function correctPad(x: tf.SymbolicTensor, kernelSize: number): Padding2D {
  const half = Math.floor(kernelSize / 2);
  const along = (size: number | null): [number, number] => {
    const adjust = size === null ? 1 : 1 - (size % 2);
    return [half - adjust, half];
  };
  return [along(x.shape[1]), along(x.shape[2])];
}
