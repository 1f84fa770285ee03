// The optimizer's saved state: a fresh optimizer restored from it (through the file format
// `--resume` reads) takes exactly the steps the original would have taken, for every optimizer
// the language has, bit for bit; a cut-short file is refused rather than half read.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerPlan } from '@tlc/plan';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/index';
import { makeOptimizer, type StageOptimizer } from '../../src/train/optimizer';
import { decodeOptimizerState, encodeOptimizerState, readOptimizerHeader } from '../../src/train/optimizer-state';

const PLANS: OptimizerPlan[] = [
  { name: 'sgd', learningRate: 0.1, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null },
  { name: 'adam', learningRate: 0.01, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
  { name: 'adamw', learningRate: 0.01, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01 },
  { name: 'rmsprop', learningRate: 0.01, momentum: 0.5, beta1: null, beta2: null, epsilon: 1e-7, weightDecay: null },
  { name: 'sgd', learningRate: 0.05, momentum: 0.5, beta1: null, beta2: null, epsilon: null, weightDecay: 0.1 },
];

beforeAll(async () => {
  await selectBackend('wasm');
});

/** `steps` steps of a small least-squares problem on `w`. */
function train(optimizer: StageOptimizer, w: tf.Variable, steps: number, from: number): void {
  for (let s = from; s < from + steps; s++) {
    const x = tf.tensor2d([[1, 2, 3], [s, -1, 0.5]]);
    optimizer.step(() => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), tf.tensor2d([[1], [s % 3]]))))), [w]).dispose();
    x.dispose();
  }
}

describe('optimizer state', () => {
  for (const plan of PLANS) {
    it(`${plan.name}${plan.weightDecay ? ` decay ${plan.weightDecay}` : ''}: a restored optimizer continues exactly as the original`, async () => {
      const initial = [[0.5], [-0.25], [0.125]];
      const original = makeOptimizer(plan);
      const w1 = tf.variable(tf.tensor2d(initial));
      train(original, w1, 37, 0);
      const bytes = encodeOptimizerState({ stage: 0, epoch: 3, tensors: await original.state() });

      const restored = makeOptimizer(plan);
      const w2 = tf.variable(w1.clone());
      const decoded = decodeOptimizerState(bytes);
      expect(decoded?.epoch).toBe(3);
      await restored.restore(decoded!.tensors);
      train(original, w1, 5, 37);
      train(restored, w2, 5, 37);
      expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
      // And not trivially so: without the state the next steps differ.
      const fresh = makeOptimizer(plan);
      const w3 = tf.variable(tf.tensor2d(initial));
      train(fresh, w3, 5, 37);
      expect(Array.from(w3.dataSync())).not.toEqual(Array.from(w1.dataSync()));
      [original, restored, fresh].forEach((o) => o.dispose());
      [w1, w2, w3].forEach((w) => w.dispose());
    });
  }

  it('refuses a cut-short or garbled file', async () => {
    const optimizer = makeOptimizer(PLANS[1]);
    const w = tf.variable(tf.ones([3, 1]));
    train(optimizer, w, 2, 0);
    const bytes = encodeOptimizerState({ stage: 1, epoch: 2, tensors: await optimizer.state() });
    expect(readOptimizerHeader(bytes)?.header.tensors.length).toBe(5);
    expect(readOptimizerHeader(bytes.subarray(0, bytes.length - 4))).toBeNull();
    expect(decodeOptimizerState(bytes.subarray(0, 10))).toBeNull();
    expect(decodeOptimizerState(new Uint8Array(3))).toBeNull();
    optimizer.dispose();
    w.dispose();
  });
});
