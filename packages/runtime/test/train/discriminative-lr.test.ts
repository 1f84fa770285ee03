// Discriminative learning rates in the optimizer: variables of a group learn at the group's rate
// (their own optimizer of the stage's kind, from one gradient computation), the rest at the
// stage's; a schedule's rate moves every group in proportion; and the state of every group
// survives a save and restore (--resume) exactly.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerPlan } from '@tlc/plan';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/index';
import { makeOptimizer, type RateGroup } from '../../src/train/optimizer';

beforeAll(async () => {
  await selectBackend('cpu');
});

const SGD: OptimizerPlan = { name: 'sgd', learningRate: 0.1, momentum: null, beta1: null, beta2: null, epsilon: null, weightDecay: null };
const ADAM: OptimizerPlan = { name: 'adam', learningRate: 0.01, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01 };

/** Two variables whose loss sum(x · v) has the gradient x = [1, 2, 3] for each. */
function setup(prefix: string) {
  const low = tf.variable(tf.tensor1d([1, 1, 1]), true, `${prefix}low`);
  const high = tf.variable(tf.tensor1d([1, 1, 1]), true, `${prefix}high`);
  const x = tf.tensor1d([1, 2, 3]);
  const loss = () => tf.add(tf.sum(tf.mul(x, low)), tf.sum(tf.mul(x, high))) as tf.Scalar;
  return { low, high, loss, groups: [{ ratio: 0.01, variables: new Set([low.name]) }] as RateGroup[] };
}

describe('discriminative learning rates', () => {
  it('a group learns at its rate (sgd: w -= lr × ratio × grad), the rest at the stage\'s, and a new rate moves both', () => {
    const { low, high, loss, groups } = setup('sgd');
    const optimizer = makeOptimizer(SGD, groups);
    optimizer.step(loss, [low, high]).dispose();
    expect(Array.from(low.dataSync())).toEqual([1 - 0.001, 1 - 0.002, 1 - 0.003].map(Math.fround));
    expect(Array.from(high.dataSync())).toEqual([1 - 0.1, 1 - 0.2, 1 - 0.3].map(Math.fround));
    optimizer.setLearningRate(0.05);
    optimizer.step(loss, [low, high]).dispose();
    expect(low.dataSync()[0]).toBeCloseTo(1 - 0.001 - 0.0005, 6);
    expect(high.dataSync()[0]).toBeCloseTo(1 - 0.1 - 0.05, 6);
    optimizer.dispose();
  });

  it('every group\'s state is saved and restored: a resumed optimizer continues as the uninterrupted one', async () => {
    const steps = (n: number, run: { step: () => void }) => { for (let i = 0; i < n; i++) run.step(); };
    const whole = setup('whole');
    const uninterrupted = makeOptimizer(ADAM, whole.groups);
    steps(3, { step: () => uninterrupted.step(whole.loss, [whole.low, whole.high]).dispose() });

    const parted = setup('parted');
    const first = makeOptimizer(ADAM, parted.groups.map((g) => ({ ratio: g.ratio, variables: new Set([parted.low.name]) })));
    steps(1, { step: () => first.step(parted.loss, [parted.low, parted.high]).dispose() });
    const state = await first.state();
    expect(state.map((w) => w.name)).toEqual(expect.arrayContaining(['optimizer/accBeta1', 'group1/optimizer/accBeta1']));
    first.dispose();
    const second = makeOptimizer(ADAM, [{ ratio: 0.01, variables: new Set([parted.low.name]) }]);
    await second.restore(state);
    steps(2, { step: () => second.step(parted.loss, [parted.low, parted.high]).dispose() });
    expect(Array.from(parted.low.dataSync())).toEqual(Array.from(whole.low.dataSync()));
    expect(Array.from(parted.high.dataSync())).toEqual(Array.from(whole.high.dataSync()));
    // The group moved far less than the rest.
    expect(1 - parted.low.dataSync()[0]).toBeLessThan((1 - parted.high.dataSync()[0]) / 50);
  });
});
