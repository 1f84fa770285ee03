// BatchNormalization in training mode (channels last, gamma and beta present) with its gradient in
// closed form. The forward pass is tfjs-layers' own (tf.moments over every axis but the channels,
// then tf.batchNorm), so outputs and moving statistics are unchanged. tfjs differentiates it op by
// op: batchNorm's gradient and the gradient of the moments through the mean and the variance, about
// twenty kernels over the whole activation, among them reductions over the batch and spatial axes
// that tfjs-backend-wasm computes by transposing the activation first. A training step of
// MobileNetV2 spent about 45% of its kernel time there on wasm. With x̂ = (x - mean) · rstd,
// rstd = 1 / sqrt(variance + epsilon) and N values per channel:
//   dbeta = Σ dy,   dgamma = Σ dy · x̂,   dx = gamma · rstd · (dy - (dbeta + x̂ · dgamma) / N)
// the per-channel sums taken as one matrix product each (a row of ones times the activation as
// [N, channels]: no transpose). Tested against tfjs's own gradient on the cpu and wasm backends.
import * as tf from '@tensorflow/tfjs';

/** Per-channel sums of `t` viewed as [rows, channels]. */
function channelSums(t: tf.Tensor, rows: number, channels: number): tf.Tensor1D {
  return tf.matMul(tf.ones([1, rows]), tf.reshape(t, [rows, channels])).reshape([channels]) as tf.Tensor1D;
}

export interface TrainingNormalization {
  y: tf.Tensor;
  /** The batch's mean and (biased) variance per channel, for the moving averages: the caller disposes them. */
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/** Normalises `x` (channels last) by its batch moments, scaled by gamma and shifted by beta. */
export function batchNormInTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): TrainingNormalization {
  const channels = x.shape[x.rank - 1]!;
  const rows = x.size / channels;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  let mean: tf.Tensor | undefined;
  let variance: tf.Tensor | undefined;
  const normalise = tf.customGrad((input, scale, offset, saveFunc) => {
    const save = saveFunc as tf.GradSaveFunc;
    const moments = tf.moments(input as tf.Tensor, axes);
    // customGrad runs this in a scope of its own: the moments outlive it for the moving averages.
    mean = tf.keep(moments.mean);
    variance = tf.keep(moments.variance);
    const y = tf.batchNorm(input as tf.Tensor, moments.mean, moments.variance, offset as tf.Tensor, scale as tf.Tensor, epsilon);
    save([input as tf.Tensor, moments.mean, moments.variance, scale as tf.Tensor]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, sigma2, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const rstd = tf.rsqrt(tf.add(sigma2, epsilon));
        const xhat = tf.mul(tf.sub(xs, mu), rstd);
        const dbeta = channelSums(dy, rows, channels);
        const dgamma = channelSums(tf.mul(dy, xhat), rows, channels);
        const k = tf.mul(g, rstd);
        const kOverN = tf.div(k, rows);
        const dx = tf.sub(tf.mul(dy, k), tf.add(tf.mul(xhat, tf.mul(dgamma, kOverN)), tf.mul(dbeta, kOverN)));
        return [dx, dgamma.reshape(g.shape), dbeta.reshape(g.shape)];
      },
    };
  });
  const y = normalise(x, gamma, beta);
  return { y, mean: mean!, variance: variance! };
}
