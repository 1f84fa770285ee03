// The training loop's parts on small exact cases: optimizers (adamw's decoupled weight decay,
// sgd momentum, rmsprop), class weights, the weighted loss, the early-stopping tracker, the
// classification metrics and the preprocessing ops.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerPlan, PreprocessPlan } from '@tlc/plan';
import { beforeAll, describe, expect, it } from 'vitest';
import { classificationMetrics, preprocess, selectBackend } from '../../src/index';
import { argMax } from '../../src/evaluate/metrics';
import { classWeights } from '../../src/train/class-weights';
import { MetricTracker } from '../../src/train/early-stopping';
import { stageLoss } from '../../src/train/loss';
import { makeOptimizer } from '../../src/train/optimizer';

beforeAll(async () => {
  await selectBackend('cpu');
});

const plan = (overrides: Partial<OptimizerPlan>): OptimizerPlan => ({
  name: 'adam', learningRate: 0.1, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null, ...overrides,
});

/** One step on f(w) = 0 * w (zero gradient): only weight decay can move w. */
function stepWithZeroGradient(optimizerPlan: OptimizerPlan): number {
  const w = tf.variable(tf.scalar(2));
  const optimizer = makeOptimizer(optimizerPlan);
  optimizer.step(() => tf.mul(w, 0) as tf.Scalar, [w]).dispose();
  return w.dataSync()[0];
}

describe('optimizers', () => {
  it('adamw shrinks weights by lr * weightDecay even without a gradient; adam does not', () => {
    expect(stepWithZeroGradient(plan({ name: 'adamw', weightDecay: 0.5 }))).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
    expect(stepWithZeroGradient(plan({ name: 'adam' }))).toBeCloseTo(2, 6);
  });

  it('sgd with momentum, rmsprop and adam all descend on a quadratic', () => {
    for (const p of [plan({ name: 'sgd', momentum: 0.9 }), plan({ name: 'rmsprop', momentum: 0 }), plan({ name: 'adam' })]) {
      const w = tf.variable(tf.scalar(3));
      const optimizer = makeOptimizer(p);
      for (let i = 0; i < 5; i++) optimizer.step(() => tf.square(w) as tf.Scalar, [w]).dispose();
      expect(Math.abs(w.dataSync()[0]), p.name).toBeLessThan(3);
    }
  });
});

describe('class weights and the loss', () => {
  it('balanced weights are total / (classes * count); manual weights default to 1', () => {
    expect(classWeights({ mode: 'balanced' }, ['a', 'b'], [0, 0, 0, 1])).toEqual([4 / 6, 2]);
    expect(classWeights({ mode: 'manual', weights: { b: 3 } }, ['a', 'b'], [0, 1])).toEqual([1, 3]);
    expect(classWeights({ mode: 'none' }, ['a', 'b'], [0, 1])).toBeNull();
  });

  it('the weighted cross-entropy multiplies each sample by its class weight', () => {
    const head = { layers: [], outputUnits: 2, outputActivation: 'softmax' as const };
    const p = tf.tensor2d([[0.5, 0.5], [0.25, 0.75]]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const plain = stageLoss(p, labels, head, 'categorical_crossentropy', null).dataSync()[0];
    expect(plain).toBeCloseTo((-Math.log(0.5) - Math.log(0.75)) / 2, 5);
    const weighted = stageLoss(p, labels, head, 'categorical_crossentropy', tf.tensor1d([2, 0])).dataSync()[0];
    expect(weighted).toBeCloseTo(-Math.log(0.5), 5);
  });
});

describe('MetricTracker', () => {
  it('tracks the best value and runs out of patience', () => {
    const t = new MetricTracker('val_loss', 'min', 0.01);
    expect(t.update(1, 1.0)).toBe(true);
    expect(t.update(2, 0.995)).toBe(false); // within minDelta
    expect(t.update(3, 1.2)).toBe(false);
    expect(t.exhausted(2)).toBe(true);
    expect(t.bestEpoch).toBe(1);
  });
});

describe('classificationMetrics', () => {
  it('computes accuracy, per-class precision/recall/F1 and the confusion matrix', () => {
    const m = classificationMetrics([0, 0, 1, 1], [0, 1, 1, 1], ['a', 'b']);
    expect(m.accuracy).toBe(0.75);
    expect(m.confusion).toEqual([[1, 1], [0, 2]]);
    expect(m.perClass[0]).toMatchObject({ class: 'a', precision: 1, recall: 0.5, support: 2 });
    expect(m.perClass[1].precision).toBeCloseTo(2 / 3);
    expect(m.perClass[1].f1).toBeCloseTo(0.8);
    expect(argMax([NaN, 0.2, 0.7])).toBe(2);
  });
});

describe('preprocess', () => {
  it('reorders RGB to BGR (caffe) and subtracts the mean per channel', () => {
    const caffe: PreprocessPlan = { requested: 'native', mode: 'caffe', channelOrder: 'bgr', scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1] };
    const out = preprocess(tf.tensor4d([10, 20, 30], [1, 1, 1, 3]), caffe).dataSync();
    expect(Array.from(out).map((v) => Number(v.toFixed(3)))).toEqual([30 - 103.939, 20 - 116.779, 10 - 123.68].map((v) => Number(v.toFixed(3))));
  });

  it('scales, then normalises with mean and std (torch)', () => {
    const torch: PreprocessPlan = { requested: 'native', mode: 'torch', channelOrder: 'rgb', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
    const out = preprocess(tf.tensor4d([255, 0, 127.5], [1, 1, 1, 3]), torch).dataSync();
    expect(out[0]).toBeCloseTo((1 - 0.485) / 0.229, 4);
    expect(out[1]).toBeCloseTo((0 - 0.456) / 0.224, 4);
    expect(out[2]).toBeCloseTo((0.5 - 0.406) / 0.225, 4);
  });
});
