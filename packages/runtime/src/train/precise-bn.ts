// Exact BatchNormalization statistics for trained BN layers ("precise BN", Wu & Johnson 2021).
// Keras estimates the population mean and variance with a moving average (momentum 0.99, or
// 0.999 in MobileNetV2), which after the few hundred steps of a small dataset still lags far
// behind the weights: a model trained from scratch then predicts one class in inference mode
// while training accuracy is high. After each epoch, this recomputes what the moving average
// estimates — the mean and variance of each trainable BN layer's input over training batches,
// with the network in training mode — and writes them as the layer's moving statistics.
// Layers forced to inference mode (frozen, or a fine-tuned backbone) are never touched.
import * as tf from '@tensorflow/tfjs';
import type { FeatureSource } from '../features/source';
import { isInferenceMode } from '../model/freeze';

/** Images used per recalibration (enough for stable statistics, cheap next to an epoch). */
export const PRECISE_BN_IMAGES = 512;

/** BN layers of `model` that train (their moving statistics come from training). */
export function trainedBatchNorms(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'BatchNormalization' && l.trainable && !isInferenceMode(l));
}

interface Moments {
  count: number;
  mean: Float64Array;
  square: Float64Array;
}

function movingWeight(layer: tf.layers.Layer, suffix: string): tf.LayerVariable {
  const weight = layer.weights.find((w) => w.originalName.endsWith(suffix));
  if (!weight) throw new Error(`BatchNormalization layer ${layer.name} has no ${suffix}`);
  return weight;
}

export async function recalibrateBatchNorm(model: tf.LayersModel, source: FeatureSource, maxImages = PRECISE_BN_IMAGES): Promise<void> {
  const layers = trainedBatchNorms(model);
  if (layers.length === 0) return;
  const moments = new Map<tf.layers.Layer, Moments>();
  const calls = new Map<tf.layers.Layer, tf.layers.Layer['call']>();
  // Each call's moments are kept and read after the batch: a layer's call is synchronous, and
  // WebGPU in Node can only read asynchronously.
  let pending: { layer: tf.layers.Layer; mean: tf.Tensor; variance: tf.Tensor; n: number }[] = [];
  for (const layer of layers) {
    const call = layer.call;
    calls.set(layer, call);
    layer.call = (inputs, kwargs) => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      pending.push({ layer, mean: tf.keep(mean), variance: tf.keep(variance), n: x.size / mean.size });
      return call.call(layer, inputs, kwargs);
    };
  }
  try {
    let seen = 0;
    for await (const batch of source.batches(0)) {
      tf.tidy(() => void model.apply(batch.x, { training: true }));
      seen += batch.labels.length;
      batch.x.dispose();
      const batchMoments = pending;
      pending = [];
      try {
        for (const { layer, mean, variance, n } of batchMoments) {
          const [m, v] = await Promise.all([mean.data(), variance.data()]);
          const acc = moments.get(layer) ?? { count: 0, mean: new Float64Array(m.length), square: new Float64Array(m.length) };
          for (let c = 0; c < m.length; c++) {
            acc.mean[c] += m[c] * n;
            acc.square[c] += (v[c] + m[c] * m[c]) * n;
          }
          acc.count += n;
          moments.set(layer, acc);
        }
      } finally {
        tf.dispose(batchMoments.flatMap((p) => [p.mean, p.variance]));
      }
      if (seen >= maxImages) break;
    }
  } finally {
    for (const [layer, call] of calls) layer.call = call;
    tf.dispose(pending.flatMap((p) => [p.mean, p.variance]));
  }
  for (const [layer, acc] of moments) {
    const mean = Array.from(acc.mean, (s) => s / acc.count);
    const variance = Array.from(acc.square, (s, c) => Math.max(0, s / acc.count - mean[c] * mean[c]));
    tf.tidy(() => {
      movingWeight(layer, 'moving_mean').write(tf.tensor1d(mean));
      movingWeight(layer, 'moving_variance').write(tf.tensor1d(variance));
    });
  }
}
