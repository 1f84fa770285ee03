// Label smoothing as Keras computes it, checked against sums written out by hand:
// categorical targets y(1 - s) + s/K, one sigmoid unit y(1 - s) + s/2 (Keras's binary formula),
// binary cross-entropy over several units s/2 per unit.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadPlan } from '@tlc/plan';
import { stageLoss } from '../../src/train/loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const head = (units: number, activation: HeadPlan['outputActivation']): HeadPlan => ({
  layers: [{ type: 'dense', units, activation, name: 'head_dense_1' }],
  outputUnits: units,
  outputActivation: activation,
});

const lossOf = (output: number[][], labels: number[], h: HeadPlan, loss: Parameters<typeof stageLoss>[3], s: number) =>
  tf.tidy(() => stageLoss(tf.tensor2d(output), tf.tensor1d(labels), h, loss, null, s).dataSync()[0]!);

describe('label smoothing', () => {
  it('softmax, categorical: targets 1 - s + s/K and s/K', () => {
    const p = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]];
    const s = 0.1;
    const hi = 1 - s + s / 3;
    const lo = s / 3;
    const want = (-(hi * Math.log(0.7) + lo * Math.log(0.2) + lo * Math.log(0.1)) - (lo * Math.log(0.1) + lo * Math.log(0.3) + hi * Math.log(0.6))) / 2;
    expect(lossOf(p, [0, 2], head(3, 'softmax'), 'categorical_crossentropy', s)).toBeCloseTo(want, 5);
    expect(lossOf(p, [0, 2], head(3, 'softmax'), 'sparse_categorical_crossentropy', s)).toBeCloseTo(want, 5);
    // Without smoothing: plain cross-entropy, which differs.
    const plain = (-Math.log(0.7) - Math.log(0.6)) / 2;
    expect(lossOf(p, [0, 2], head(3, 'softmax'), 'categorical_crossentropy', 0)).toBeCloseTo(plain, 5);
    expect(Math.abs(want - plain)).toBeGreaterThan(0.05);
  });

  it('one sigmoid unit: Keras\'s binary formula, targets 1 - s/2 and s/2', () => {
    const s = 0.2;
    const p = 0.8; // label 1
    const q = 0.3; // label 0
    const want = (-((1 - s / 2) * Math.log(p) + (s / 2) * Math.log(1 - p)) - ((s / 2) * Math.log(q) + (1 - s / 2) * Math.log(1 - q))) / 2;
    expect(lossOf([[p], [q]], [1, 0], head(1, 'sigmoid'), 'binary_crossentropy', s)).toBeCloseTo(want, 5);
  });

  it('binary cross-entropy over several sigmoid units: s/2 per unit, averaged over units', () => {
    const s = 0.1;
    const p = [0.9, 0.2];
    const t = [1 - s / 2, s / 2]; // label 0
    const want = -(t[0]! * Math.log(p[0]!) + (1 - t[0]!) * Math.log(1 - p[0]!) + t[1]! * Math.log(p[1]!) + (1 - t[1]!) * Math.log(1 - p[1]!)) / 2;
    expect(lossOf([p], [0], head(2, 'sigmoid'), 'binary_crossentropy', s)).toBeCloseTo(want, 5);
  });
});
