// `evaluate … tta flips`: each image's probabilities are the mean of the model's prediction on the
// image and on its left-right mirror image (built here pixel by pixel, independently of the
// runtime), and evaluation.json's accuracies follow from exactly those two predictions.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadPlan } from '@tlc/plan';
import { evaluateModel, ttaProbabilities } from '../../src/evaluate/evaluate';
import type { FeatureSource } from '../../src/features/source';

const H = 3;
const W = 4;
const C = 2;
const N = 12;
const HEAD: HeadPlan = { layers: [{ type: 'dense', units: 3, activation: 'softmax', name: 'head_dense_1' }], outputUnits: 3, outputActivation: 'softmax' };

let model: tf.LayersModel;
let images: number[][][][];
let labels: number[];

/** A seeded stream in [0, 1). */
function stream(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  const random = stream(7);
  model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [H, W, C] }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 1 }) })] });
  images = Array.from({ length: N }, () => Array.from({ length: H }, () => Array.from({ length: W }, () => Array.from({ length: C }, () => random()))));
  labels = Array.from({ length: N }, (_, i) => i % 3);
});

const mirror = (image: number[][][]) => image.map((row) => [...row].reverse());
const predict = (batch: number[][][][]) => tf.tidy(() => (model.predict(tf.tensor4d(batch)) as tf.Tensor).arraySync() as number[][]);
const argMax = (row: number[]) => row.indexOf(Math.max(...row));

function source(): FeatureSource {
  return {
    size: N,
    async *batches() {
      for (let start = 0; start < N; start += 5) {
        const indices = Array.from({ length: Math.min(5, N - start) }, (_, i) => start + i);
        yield { x: tf.tensor4d(indices.map((i) => images[i]!)), labels: Int32Array.from(indices.map((i) => labels[i]!)), indices };
      }
    },
  };
}

describe('tta flips', () => {
  it('averages the prediction of each image and of its horizontal mirror image', () => {
    const own = predict(images);
    const mirrored = predict(images.map(mirror));
    const { plain, averaged } = tf.tidy(() => ttaProbabilities(model, HEAD, tf.tensor4d(images), 'flips'));
    const got = averaged.arraySync();
    expect(plain.arraySync()).toEqual(own);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < 3; k++) expect(got[i]![k]).toBeCloseTo((own[i]![k]! + mirrored[i]![k]!) / 2, 6);
    }
    // The mirror image really changes the prediction, so the test can tell.
    expect(Math.max(...own.map((row, i) => Math.abs(row[0]! - mirrored[i]![0]!)))).toBeGreaterThan(0.01);
    tf.dispose([plain, averaged]);
  });

  it('evaluation: accuracy from the averaged predictions, the plain accuracy beside it', async () => {
    const own = predict(images);
    const mirrored = predict(images.map(mirror));
    const averagedHits = own.filter((row, i) => argMax(row.map((p, k) => p + mirrored[i]![k]!)) === labels[i]).length;
    const plainHits = own.filter((row, i) => argMax(row) === labels[i]).length;
    const files = images.map((_, i) => `img${i}.png`);
    const withTta = await evaluateModel(model, HEAD, source(), files, ['a', 'b', 'c'], 'validation', 'flips');
    expect(withTta.tta).toBe('flips');
    expect(withTta.accuracy).toBeCloseTo(averagedHits / N, 9);
    expect(withTta.accuracyWithoutTta).toBeCloseTo(plainHits / N, 9);
    const without = await evaluateModel(model, HEAD, source(), files, ['a', 'b', 'c'], 'validation', 'none');
    expect(without).toMatchObject({ tta: 'none', accuracyWithoutTta: null });
    expect(without.accuracy).toBeCloseTo(plainHits / N, 9);
  });
});
