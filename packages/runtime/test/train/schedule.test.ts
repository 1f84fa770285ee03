// Learning-rate schedules: the formulas (cosine with warm-up, one cycle, step), Keras's
// ReduceLROnPlateau semantics and its resumable state; every optimizer really trains at the rate a
// schedule sets (the same update as an optimizer made with that rate, weight decay included); and
// real runs on the fixture images that record, per epoch, the rate the schedule gives its last step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { HeadPlan, OptimizerPlan, SchedulePlan } from '@tlc/plan';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunLog, runPlan, selectBackend, type EpochRecord } from '../../src/index';
import type { FeatureSource } from '../../src/features/source';
import { makeOptimizer } from '../../src/train/optimizer';
import { trainThenResume } from './resume-after';
import { formatEpoch } from '../../src/run/progress';
import { Plateau, scheduledRate } from '../../src/train/schedule';
import { makePlan, stage, tempDir, writeImageFolder } from '../run/fixtures';

const clock = { epochs: 4, stepsPerEpoch: 5 }; // 20 steps
const rates = (schedule: SchedulePlan, base: number) =>
  Array.from({ length: 20 }, (_, s) => scheduledRate(schedule, base, clock, Math.floor(s / 5) + 1, (s % 5) + 1));

describe('schedule formulas', () => {
  it('cosine: a linear warm-up of W steps to lr, then half a cosine to 0 over the remaining steps', () => {
    const r = rates({ kind: 'cosine', warmup: { count: 1, unit: 'epochs' } }, 0.1);
    for (let s = 0; s < 5; s++) expect(r[s]).toBeCloseTo((0.1 * (s + 1)) / 5, 12);
    for (let s = 5; s < 20; s++) expect(r[s]).toBeCloseTo(0.05 * (1 + Math.cos((Math.PI * (s - 5)) / 15)), 12);
    expect(r[5]).toBeCloseTo(0.1, 12);
    // In steps; no warm-up: from lr itself.
    const steps = rates({ kind: 'cosine', warmup: { count: 3, unit: 'steps' } }, 1);
    [1 / 3, 2 / 3, 1, 1, 0.5 * (1 + Math.cos(Math.PI / 17))].forEach((r, s) => expect(steps[s]).toBeCloseTo(r, 12));
    expect(rates({ kind: 'cosine', warmup: { count: 0, unit: 'steps' } }, 1)[0]).toBe(1);
    // A warm-up longer than the stage is cut to it.
    expect(rates({ kind: 'cosine', warmup: { count: 100, unit: 'steps' } }, 1)[19]).toBeCloseTo(1, 12);
  });

  it('one cycle: cosine from the start to max over the first 25% of the steps, then to max / 1e5', () => {
    const r = rates({ kind: 'one-cycle', startLearningRate: 0.004, maxLearningRate: 0.1 }, 0.004);
    expect(r[0]).toBeCloseTo(0.004, 12);
    for (let s = 0; s < 5; s++) expect(r[s]).toBeCloseTo(0.1 + ((0.004 - 0.1) / 2) * (1 + Math.cos((Math.PI * s) / 5)), 12);
    expect(r[5]).toBeCloseTo(0.1, 12);
    for (let s = 5; s < 20; s++) expect(r[s]).toBeCloseTo(1e-6 + ((0.1 - 1e-6) / 2) * (1 + Math.cos((Math.PI * (s - 5)) / 15)), 12);
    expect(Math.max(...r)).toBeCloseTo(0.1, 12);
  });

  it('step: times F every N epochs, constant within an epoch', () => {
    const r = rates({ kind: 'step', everyEpochs: 2, factor: 0.5 }, 0.1);
    expect(r).toEqual([...Array(10).fill(0.1), ...Array(10).fill(0.05)]);
    expect(rates({ kind: 'constant' }, 0.3)).toEqual(Array(20).fill(0.3));
  });
});

const plateauPlan = (over: Partial<Extract<SchedulePlan, { kind: 'plateau' }>> = {}): Extract<SchedulePlan, { kind: 'plateau' }> => ({
  kind: 'plateau', monitor: 'val_loss', factor: 0.1, patience: 2, minDelta: 1e-4, cooldown: 0, minLearningRate: 0, ...over,
});

describe("reduce lr on plateau (Keras's ReduceLROnPlateau)", () => {
  it('multiplies the rate by the factor after `patience` epochs without an improvement by more than min_delta', () => {
    const p = new Plateau(plateauPlan(), 1);
    const lrs = [1.0, 0.9, 0.89995, 0.9, 0.5, 0.6, 0.6].map((v) => (p.update(v), p.lr));
    // 0.89995 is no improvement on 0.9 (by less than 1e-4): the second epoch without one reduces.
    expect(lrs).toEqual([1, 1, 1, 0.1, 0.1, 0.1, 0.1 * 0.1]);
  });

  it('watches accuracies for increases, waits out the cooldown, and stops at min lr', () => {
    // As Keras counts it: the cooldown is counted down before the epoch is judged, so a cooldown of
    // 2 skips one epoch (and a cooldown of 1 none).
    const p = new Plateau(plateauPlan({ monitor: 'val_accuracy', patience: 1, cooldown: 2, factor: 0.5, minLearningRate: 0.3 }), 1);
    const lrs = [0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6].map((v) => (p.update(v), p.lr));
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.3, 0.3, 0.3]);
  });

  it('a restored state continues exactly as the uninterrupted one', () => {
    const values = [1, 0.99999, 1.2, 0.8, 0.8, 0.8, 0.8, 0.7, 0.75, 0.75];
    const whole = new Plateau(plateauPlan({ patience: 1, cooldown: 1 }), 0.01);
    const wholeLrs = values.map((v) => (whole.update(v), whole.lr));
    const first = new Plateau(plateauPlan({ patience: 1, cooldown: 1 }), 0.01);
    values.slice(0, 5).forEach((v) => first.update(v));
    const saved = JSON.parse(JSON.stringify(first.saved()));
    const resumed = new Plateau(plateauPlan({ patience: 1, cooldown: 1 }), 0.01, saved);
    expect(values.slice(5).map((v) => (resumed.update(v), resumed.lr))).toEqual(wholeLrs.slice(5));
  });
});

describe("an epoch's log line", () => {
  it('shows the rate a scheduled stage ended the epoch with, and nothing for a constant one', () => {
    const record: EpochRecord = { stage: 'train', epoch: 2, loss: 0.5, accuracy: 0.75, val_loss: null, val_accuracy: null, lr: 0.00125, seconds: 1, imagesPerSecond: 10 };
    expect(formatEpoch(record, 4, true)).toContain('acc 0.750  lr 1.25e-3  10 img/s');
    expect(formatEpoch(record, 4)).not.toContain('lr');
  });
});

describe('the optimizer trains at the rate it is set to', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });
  const plans: OptimizerPlan[] = [
    { name: 'sgd', learningRate: 0.1, momentum: 0, beta1: null, beta2: null, epsilon: null, weightDecay: null },
    { name: 'sgd', learningRate: 0.1, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: 0.01 },
    { name: 'adam', learningRate: 0.1, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
    { name: 'adamw', learningRate: 0.1, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
    { name: 'rmsprop', learningRate: 0.1, momentum: 0.5, beta1: null, beta2: null, epsilon: 1e-7, weightDecay: null },
  ];
  const train = (plan: OptimizerPlan, lrs: number[]) => {
    const w = tf.variable(tf.tensor1d([0.5, -1.5, 2]));
    const optimizer = makeOptimizer(plan);
    for (const lr of lrs) {
      optimizer.setLearningRate(lr);
      optimizer.step(() => tf.sum(tf.square(tf.sub(w, tf.tensor1d([1, 2, 3])))) as tf.Scalar, [w]).dispose();
    }
    const values = Array.from(w.dataSync());
    optimizer.dispose();
    w.dispose();
    return values;
  };
  for (const plan of plans) {
    it(`${plan.name}${plan.momentum ? ' with momentum' : ''}: a changed rate is used from the next step, weight decay included`, () => {
      // Two steps at 0.1 then one at 0.02 differ from three at 0.1.
      const scheduled = train(plan, [0.1, 0.1, 0.02]);
      const constant = train(plan, [0.1, 0.1, 0.1]);
      expect(scheduled).not.toEqual(constant);
      // A first step at rate x is the step of an optimizer made with rate x.
      expect(train(plan, [0.02])).toEqual(train({ ...plan, learningRate: 0.02 }, [0.02]));
      expect(train({ ...plan, learningRate: 0.02 }, [0.1])).toEqual(train(plan, [0.1]));
    });
  }
});

describe('runs that train with each schedule', () => {
  let base: string;
  beforeAll(async () => {
    await selectBackend('wasm');
    base = tempDir('schedule');
    await writeImageFolder(join(base, 'data'), 8);
  });

  // 16 images, a quarter for validation: 12 training images in batches of 8, 2 steps per epoch.
  const run = async (name: string, schedule: SchedulePlan, epochs = 3): Promise<{ records: EpochRecord[] }> => {
    const plan = makePlan({ stages: [stage({ epochs, schedule, optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0, beta1: null, beta2: null, epsilon: null, weightDecay: null } })], evaluate: null });
    const out = join(base, name);
    await runPlan(plan, { baseDir: base, out, log: new RunLog({ quiet: true }) });
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',')).toContain('lr');
    return { records: state.records };
  };

  it('records the rate of each epoch as the schedule gives it (cosine with warm-up, one cycle, step)', async () => {
    const clock3 = { epochs: 3, stepsPerEpoch: 2 };
    const schedules: SchedulePlan[] = [
      { kind: 'constant' },
      { kind: 'cosine', warmup: { count: 1, unit: 'epochs' } },
      { kind: 'one-cycle', startLearningRate: 0.05, maxLearningRate: 0.2 },
      { kind: 'step', everyEpochs: 1, factor: 0.5 },
    ];
    for (const schedule of schedules) {
      const { records } = await run(schedule.kind, schedule);
      expect(records.map((r) => r.lr), schedule.kind).toEqual([1, 2, 3].map((epoch) => scheduledRate(schedule, 0.05, clock3, epoch, 2)));
    }
  });

  it('reduces the rate on a plateau', async () => {
    // A min_delta no loss can beat: no epoch after the first improves, so with patience 1 the
    // rate drops after epoch 2 and again after epoch 3.
    const { records } = await run('plateau', { kind: 'plateau', monitor: 'val_loss', factor: 0.5, patience: 1, minDelta: 1e9, cooldown: 0, minLearningRate: 0 }, 4);
    expect(records.map((r) => r.lr)).toEqual([0.05, 0.05, 0.025, 0.0125]);
  });
});

describe('a resumed stage trains at the rates of the uninterrupted one', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });
  const head: HeadPlan = { layers: [{ type: 'dense', units: 2, activation: 'softmax', name: 'out' }], outputUnits: 2, outputActivation: 'softmax' };
  // 12 fixed samples of 3 features in batches of 4: 3 steps per epoch.
  const X = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(2 * i), (i % 3) - 1]);
  const L = Array.from({ length: 12 }, (_, i) => (i % 2) as number);
  const source: FeatureSource = {
    size: 12,
    async *batches() {
      for (let i = 0; i < 12; i += 4) yield { x: tf.tensor2d(X.slice(i, i + 4)), labels: Int32Array.from(L.slice(i, i + 4)), indices: [i, i + 1, i + 2, i + 3] };
    },
  };
  const model = () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, activation: 'softmax', inputShape: [3], kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
    return m;
  };

  for (const schedule of [
    { kind: 'plateau', monitor: 'loss', factor: 0.5, patience: 1, minDelta: 0.05, cooldown: 0, minLearningRate: 0 },
    { kind: 'cosine', warmup: { count: 4, unit: 'steps' } },
    { kind: 'one-cycle', startLearningRate: 0.02, maxLearningRate: 0.5 },
  ] as SchedulePlan[]) {
    it(`${schedule.kind}: stopped after 2 of 5 epochs and resumed, the rates and losses of epochs 3-5 are the same`, async () => {
      const plan = stage({ epochs: 5, schedule, optimizer: { name: 'adam', learningRate: 0.02, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null } });
      const whole = model();
      const again = model();
      const { uninterrupted, resumed } = await trainThenResume(whole, again, { head, stage: plan, train: source, validation: null, classWeights: null, batchSize: 4 });
      const tail = uninterrupted.epochs.slice(2);
      expect(resumed.epochs.map((r) => r.lr)).toEqual(tail.map((r) => r.lr));
      expect(resumed.epochs.map((r) => r.loss)).toEqual(tail.map((r) => r.loss));
      if (schedule.kind === 'plateau') expect(new Set(uninterrupted.epochs.map((r) => r.lr)).size, 'the plateau reduced the rate').toBeGreaterThan(1);
      whole.dispose();
      again.dispose();
    });
  }
});
