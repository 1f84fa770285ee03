// Every optimizer with every setting the language lets it take (lr, momentum for sgd and
// rmsprop, decay for all), trained for real on a tiny least-squares problem and compared with
// Keras 3's update rules computed by hand here: the gradient at the current weights, then the
// decoupled weight decay (w -= lr * decay * w), then the optimizer's own step.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerPlan } from '@tlc/plan';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/index';
import { makeOptimizer } from '../../src/train/optimizer';

beforeAll(async () => {
  await selectBackend('cpu');
});

const X = [[1, 2], [-1, 0.5], [0.25, -2]];
const Y = [1, -1, 0.5];
const W0 = [0.5, -0.25];
const STEPS = 4;

/** The gradient of mean((Xw - y)^2) at w. */
function gradient(w: number[]): number[] {
  const g = [0, 0];
  X.forEach((x, i) => {
    const error = x[0] * w[0] + x[1] * w[1] - Y[i];
    for (let j = 0; j < 2; j++) g[j] += (2 * error * x[j]) / X.length;
  });
  return g;
}

/** Keras 3's updates (keras/src/optimizers/{sgd,adam,rmsprop}.py), one weight at a time. */
function byHand(plan: OptimizerPlan): number[] {
  const w = [...W0];
  const lr = plan.learningRate;
  const decay = plan.weightDecay ?? 0;
  const slot1 = [0, 0];
  const slot2 = [0, 0];
  for (let t = 1; t <= STEPS; t++) {
    const g = gradient(w);
    for (let j = 0; j < 2; j++) {
      w[j] -= lr * decay * w[j];
      switch (plan.name) {
        case 'sgd': {
          const m = plan.momentum ?? 0;
          slot1[j] = m * slot1[j] - lr * g[j];
          w[j] += slot1[j];
          break;
        }
        case 'rmsprop': {
          slot2[j] = 0.9 * slot2[j] + 0.1 * g[j] * g[j];
          const increment = (lr * g[j]) / Math.sqrt(slot2[j] + (plan.epsilon ?? 1e-7));
          slot1[j] = (plan.momentum ?? 0) * slot1[j] + increment;
          w[j] -= slot1[j];
          break;
        }
        case 'adam':
        case 'adamw': {
          const b1 = plan.beta1 ?? 0.9;
          const b2 = plan.beta2 ?? 0.999;
          slot1[j] = b1 * slot1[j] + (1 - b1) * g[j];
          slot2[j] = b2 * slot2[j] + (1 - b2) * g[j] * g[j];
          const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
          w[j] -= (alpha * slot1[j]) / (Math.sqrt(slot2[j]) + (plan.epsilon ?? 1e-7));
          break;
        }
      }
    }
  }
  return w;
}

/** STEPS real training steps through the runtime's optimizer. */
function trained(plan: OptimizerPlan): number[] {
  const optimizer = makeOptimizer(plan);
  const w = tf.variable(tf.tensor2d(W0, [2, 1]));
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(Y, [3, 1]);
  for (let s = 0; s < STEPS; s++) {
    optimizer.step(() => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y)))) as tf.Scalar, [w]).dispose();
  }
  const result = Array.from(w.dataSync());
  optimizer.dispose();
  tf.dispose([w, x, y]);
  return result;
}

const base = (name: OptimizerPlan['name'], overrides: Partial<OptimizerPlan> = {}): OptimizerPlan => ({
  name,
  learningRate: 0.1,
  momentum: name === 'sgd' || name === 'rmsprop' ? 0 : null,
  beta1: name.startsWith('adam') ? 0.9 : null,
  beta2: name.startsWith('adam') ? 0.999 : null,
  epsilon: name === 'sgd' ? null : 1e-7,
  weightDecay: null,
  ...overrides,
});

/** Each optimizer with each combination of the settings it accepts. */
const CASES: OptimizerPlan[] = [
  base('sgd'),
  base('sgd', { momentum: 0.9 }),
  base('sgd', { weightDecay: 0.5 }),
  base('sgd', { momentum: 0.9, weightDecay: 0.5 }),
  base('rmsprop', { learningRate: 0.01 }),
  base('rmsprop', { learningRate: 0.01, momentum: 0.5 }),
  base('rmsprop', { learningRate: 0.01, weightDecay: 0.5 }),
  base('rmsprop', { learningRate: 0.01, momentum: 0.5, weightDecay: 0.5 }),
  base('adam'),
  base('adam', { weightDecay: 0.5 }),
  base('adamw', { weightDecay: 0.004 }),
  base('adamw', { weightDecay: 0.5 }),
];

describe('optimizers follow Keras 3', () => {
  for (const plan of CASES) {
    const label = `${plan.name} lr ${plan.learningRate}${plan.momentum ? ` momentum ${plan.momentum}` : ''}${plan.weightDecay ? ` decay ${plan.weightDecay}` : ''}`;
    it(`${label}: ${STEPS} steps match the hand computation`, () => {
      const actual = trained(plan);
      const expected = byHand(plan);
      actual.forEach((v, j) => expect(v, `w[${j}]`).toBeCloseTo(expected[j], 5));
      if (plan.weightDecay) {
        // And the decay did something: without it the weights end elsewhere.
        const without = trained({ ...plan, weightDecay: plan.name === 'adamw' ? 0 : null });
        expect(Math.abs(without[0] - actual[0]) + Math.abs(without[1] - actual[1])).toBeGreaterThan(1e-3);
      }
    });
  }

  it('decay 0 is no decay, for every optimizer', () => {
    for (const name of ['sgd', 'rmsprop', 'adam', 'adamw'] as const) {
      expect(trained(base(name, { weightDecay: 0 })), name).toEqual(trained(base(name, { weightDecay: name === 'adamw' ? 0 : null })));
    }
  });
});
