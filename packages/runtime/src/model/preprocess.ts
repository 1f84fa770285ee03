// The plan's preprocessing as tensor ops, applied to raw 0..255 NHWC pixels before the backbone:
// channel reorder (caffe's RGB -> BGR), then y = (x * scale - mean[c]) / std[c].
import * as tf from '@tensorflow/tfjs';
import type { PreprocessPlan } from '@tlc/plan';

export function preprocess(pixels: tf.Tensor4D, plan: PreprocessPlan): tf.Tensor4D {
  return tf.tidy(() => {
    const channels = pixels.shape[3];
    let x: tf.Tensor4D = pixels;
    if (plan.channelOrder === 'bgr' && channels === 3) x = tf.reverse(x, 3);
    if (plan.scale !== 1) x = tf.mul(x, plan.scale);
    const mean = perChannel(plan.mean, channels, 0);
    const std = perChannel(plan.std, channels, 1);
    if (mean.some((m) => m !== 0)) x = tf.sub(x, tf.tensor1d(mean));
    if (std.some((s) => s !== 1)) x = tf.div(x, tf.tensor1d(std));
    return x;
  });
}

/** The per-channel constants for `channels` input channels (grayscale averages RGB constants). */
export function perChannel(values: number[], channels: number, neutral: number): number[] {
  if (values.length === 0) return new Array(channels).fill(neutral);
  if (values.length === channels) return values;
  if (values.length === 1) return new Array(channels).fill(values[0]);
  const average = values.reduce((a, b) => a + b, 0) / values.length;
  return new Array(channels).fill(average);
}
