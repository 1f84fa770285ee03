// The fused dense step (train/dense-tail.ts) against the tfjs path it replaces: the same head,
// the same seeded weights and batches, trained by runStage both ways on the wasm backend, for each
// optimizer and with label smoothing, class weights, weight decay, schedules, reduce-on-plateau and
// early stopping with the best weights restored; the epochs' losses and accuracies, the final
// weights and the optimizer's saved state agree within float32 rounding (1e-5 relative), and a
// stage resumed on one path from the other's state ends where the uninterrupted stage does.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadPlan, StagePlan } from '@tlc/plan';
import type { StageState } from '../../src/engine/engine';
import type { FeatureBatch, FeatureSource } from '../../src/features/source';
import { applyHead } from '../../src/model/head';
import { createRng, selectBackend, STREAMS } from '../../src/index';
import type { NamedTensor } from '../../src/train/optimizer';
import { runStage, stagePath, type StageRun } from '../../src/train/stage';

const FEATURES = 24;
const CLASSES = 3;
const N = 60;
const BATCH = 8;

const HEAD: HeadPlan = {
  layers: [
    { type: 'dense', units: 16, activation: 'relu', name: 'head_dense_1' },
    { type: 'dense', units: CLASSES, activation: 'softmax', name: 'head_dense_2' },
  ],
  outputUnits: CLASSES, outputActivation: 'softmax',
};

let x: Float32Array;
let labels: Int32Array;
let initial: tf.Tensor[];

beforeAll(async () => {
  await selectBackend('wasm');
  // Three clusters with noise: learnable, not separable at once.
  const rng = createRng(11);
  x = new Float32Array(N * FEATURES);
  labels = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    labels[i] = i % CLASSES;
    for (let j = 0; j < FEATURES; j++) x[i * FEATURES + j] = Math.max(0, (j % CLASSES === labels[i] ? 0.8 : 0.2) + rng.uniform(-0.5, 0.5));
  }
  const model = build();
  initial = model.getWeights().map((w) => tf.keep(w.clone()));
  model.dispose();
});

function build(): tf.LayersModel {
  const input = tf.input({ shape: [FEATURES], name: 'features' });
  return tf.model({ inputs: input, outputs: applyHead(input, HEAD) });
}

/** Batches in a seeded order per epoch, as CachedFeatures draws them. */
function source(from: number, to: number, shuffle: boolean, mixed = false): FeatureSource {
  const size = to - from;
  return {
    size,
    async *batches(epoch: number): AsyncIterable<FeatureBatch> {
      const order = Array.from({ length: size }, (_, i) => from + i);
      if (shuffle) createRng(5, STREAMS.batchOrder, epoch).shuffle(order);
      for (let start = 0; start < size; start += BATCH) {
        const slice = order.slice(start, start + BATCH);
        const values = new Float32Array(slice.length * FEATURES);
        slice.forEach((p, i) => values.set(x.subarray(p * FEATURES, (p + 1) * FEATURES), i * FEATURES));
        const own = Int32Array.from(slice, (p) => labels[p]!);
        // mixup's targets: each sample with the next one's label, λ varying by batch (both sides of 0.5).
        const mix = mixed ? { lambda: 0.2 + 0.15 * ((start / BATCH) % 5), labels: Int32Array.from(own, (_, i) => own[(i + 1) % own.length]!) } : undefined;
        yield { x: tf.tensor2d(values, [slice.length, FEATURES]), labels: own, indices: slice, ...(mix ? { mix } : {}) };
      }
    },
  };
}

function stage(overrides: Partial<StagePlan> = {}): StagePlan {
  return {
    name: 'train', epochs: 6, batchSize: BATCH,
    optimizer: { name: 'adam', learningRate: 0.01, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
    loss: 'categorical_crossentropy', metrics: ['accuracy'], labelSmoothing: 0, earlyStopping: null, classWeights: { mode: 'none' },
    schedule: { kind: 'constant' }, frozenLayers: [], batchNormInference: false, layerLearningRates: [], checkpoint: { monitor: 'val_accuracy', mode: 'max' }, precision: 'float32',
    ...overrides,
  };
}

interface Trained {
  records: { loss: number; accuracy: number; val_loss: number | null; val_accuracy: number | null; lr: number }[];
  weights: Float32Array[];
  /** The optimizer's state after each epoch, by name. */
  states: Map<string, Float32Array>[];
  /** After each epoch: what a checkpoint holds (the state, the optimizer's, the weights, the best weights so far). */
  saved: { state: StageState; optimizer: NamedTensor[]; weights: tf.Tensor[]; best: tf.Tensor[] }[];
  bestEpoch: number;
  stoppedEarly: boolean;
}

async function train(plan: StagePlan, steps: 'auto' | 'tfjs', classWeights: number[] | null = null, from?: Trained['saved'][number], mixed = false): Promise<Trained> {
  const model = build();
  model.setWeights(from ? from.weights : initial);
  const states: Map<string, Float32Array>[] = [];
  const saved: Trained['saved'] = [];
  let best: tf.Tensor[] = from ? from.best : [];
  const clone = (ts: tf.Tensor[]) => ts.map((t) => tf.keep(t.clone()));
  const resume: StageRun['resume'] | undefined = from && { state: from.state, best: clone(from.best), optimizer: from.optimizer.map((t) => ({ name: t.name, tensor: tf.keep(t.tensor.clone()) })) };
  const result = await runStage({
    model, tail: model, head: HEAD, stage: plan, train: source(0, 48, true, mixed), validation: source(48, N, false), classWeights, batchSize: BATCH, steps,
    onEpoch: (_record, isBest, state, optimizer) => {
      states.push(new Map(optimizer.map((t) => [t.name, Float32Array.from(t.tensor.dataSync())])));
      if (isBest) best = clone(model.getWeights());
      saved.push({ state, optimizer: optimizer.map((t) => ({ name: t.name, tensor: tf.keep(t.tensor.clone()) })), weights: clone(model.getWeights()), best });
    },
    ...(resume ? { resume } : {}),
  });
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  model.dispose();
  return {
    records: result.epochs.map((r) => ({ loss: r.loss, accuracy: r.accuracy, val_loss: r.val_loss, val_accuracy: r.val_accuracy, lr: r.lr ?? NaN })),
    weights, states, saved, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly,
  };
}

/** Equal within `relative` of the tensor's largest magnitude (float32 rounding, summed differently). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, relative = 1e-5): void {
  expect(actual.length, what).toBe(expected.length);
  const tolerance = relative * Math.max(1e-3, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) expect.fail(`${what}[${i}]: ${actual[i]} against ${expected[i]} (tolerance ${tolerance})`);
  }
}

function expectSameTraining(fused: Trained, reference: Trained): void {
  expect(fused.records.length).toBe(reference.records.length);
  fused.records.forEach((r, i) => {
    const want = reference.records[i]!;
    expect(r.accuracy, `epoch ${i + 1} accuracy`).toBe(want.accuracy);
    expect(r.val_accuracy, `epoch ${i + 1} val_accuracy`).toBe(want.val_accuracy);
    expect(r.lr, `epoch ${i + 1} lr`).toBe(want.lr);
    // Losses within 1e-5 relative, or 1e-6 when they are near zero (p within float32's epsilon of 1).
    for (const [got, wanted] of [[r.loss, want.loss], [r.val_loss ?? 0, want.val_loss ?? 0]] as const) {
      if (!(Math.abs(got - wanted) <= 1e-5 * Math.max(Math.abs(wanted), 0.1))) expect.fail(`epoch ${i + 1} loss ${got} against ${wanted}`);
    }
  });
  expect(fused.bestEpoch).toBe(reference.bestEpoch);
  expect(fused.stoppedEarly).toBe(reference.stoppedEarly);
  fused.weights.forEach((w, i) => expectClose(w, reference.weights[i]!, `weight ${i}`));
  fused.states.forEach((state, e) => {
    // Names differ by the variables' (each model in this process registers its own); the layout must not.
    const names = [...state.keys()];
    const want = [...reference.states[e]!.entries()];
    expect(names.map((n) => n.replace(/_\d+/g, '')), `epoch ${e + 1} optimizer state`).toEqual(want.map(([n]) => n.replace(/_\d+/g, '')));
    // The moments average gradients that shrink towards zero as the head fits: 1e-4 of the largest.
    names.forEach((name, i) => expectClose(state.get(name)!, want[i]![1], `epoch ${e + 1} ${name}`, 1e-4));
  });
}

const CASES: [string, StagePlan, number[] | null][] = [
  ['adam', stage(), null],
  ['adamw with label smoothing and class weights', stage({ optimizer: { name: 'adamw', learningRate: 0.005, momentum: null, beta1: 0.85, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.05 }, labelSmoothing: 0.1 }), [1, 2, 0.5]],
  ['sgd with momentum, cosine warm-up', stage({ optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null }, schedule: { kind: 'cosine', warmup: { count: 1, unit: 'epochs' } } }), null],
  ['plain sgd with weight decay, step schedule', stage({ optimizer: { name: 'sgd', learningRate: 0.2, momentum: null, beta1: null, beta2: null, epsilon: null, weightDecay: 0.01 }, schedule: { kind: 'step', everyEpochs: 2, factor: 0.5 } }), null],
  ['reduce on plateau, early stopping with the best weights restored', stage({
    epochs: 12, optimizer: { name: 'adam', learningRate: 0.05, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
    schedule: { kind: 'plateau', monitor: 'val_accuracy', factor: 0.5, patience: 1, minDelta: 0, cooldown: 0, minLearningRate: 1e-4 },
    earlyStopping: { monitor: 'val_accuracy', patience: 3, minDelta: 0, restoreBest: true },
  }), null],
];

describe('the fused dense step', () => {
  it('is chosen for a dense-only tail and names why not otherwise', () => {
    const model = build();
    expect(stagePath({ tail: model, head: HEAD, stage: stage() })).toEqual({ fused: true, description: 'fused dense step in TypeScript (24x16, 16x3)' });
    expect(stagePath({ tail: model, head: HEAD, stage: stage(), steps: 'tfjs' }).fused).toBe(false);
    expect(stagePath({ tail: model, head: HEAD, stage: stage({ optimizer: { ...stage().optimizer, name: 'rmsprop' } }) }).description).toBe('tfjs (optimizer rmsprop)');
    expect(stagePath({ tail: model, head: HEAD, stage: stage({ loss: 'binary_crossentropy' }) }).description).toBe('tfjs (loss binary_crossentropy)');
    expect(stagePath({ tail: model, head: HEAD, stage: stage({ layerLearningRates: [{ blocks: [], layers: ['head_dense_1'], learningRate: 1e-4 }] }) }).description).toBe('tfjs (discriminative learning rates)');
    // Groups of frozen backbone layers (not in the tail) change nothing here.
    expect(stagePath({ tail: model, head: HEAD, stage: stage({ layerLearningRates: [{ blocks: ['block3'], layers: ['conv_3'], learningRate: 1e-4 }] }) }).fused).toBe(true);
    model.dispose();
  });

  for (const [name, plan, classWeights] of CASES) {
    it(`trains as the tfjs path does: ${name}`, async () => {
      const reference = await train(plan, 'tfjs', classWeights);
      const fused = await train(plan, 'auto', classWeights);
      // The training moved the weights and learned something: the comparison can tell.
      expect(reference.records[reference.records.length - 1]!.accuracy).toBeGreaterThan(0.5);
      expectSameTraining(fused, reference);
      if (plan.schedule.kind === 'plateau') {
        // The case reaches what it is about: the rate was reduced, the stage stopped early.
        expect(new Set(reference.records.map((r) => r.lr)).size).toBeGreaterThan(1);
        expect(reference.stoppedEarly).toBe(true);
      }
      for (const run of [reference, fused]) run.saved.forEach((s) => tf.dispose([...s.optimizer.map((t) => t.tensor), ...s.weights]));
    });
  }

  it('trains as the tfjs path does with mixed targets (mixup / cutmix) and class weights', async () => {
    const plan = stage({ labelSmoothing: 0.05 });
    const reference = await train(plan, 'tfjs', [1, 2, 0.5], undefined, true);
    const fused = await train(plan, 'auto', [1, 2, 0.5], undefined, true);
    expectSameTraining(fused, reference);
  });

  it('resumes from the other path\'s checkpoint and ends as the uninterrupted stage', async () => {
    const [, plan, classWeights] = CASES[4]!;
    const whole = await train(plan, 'tfjs', classWeights);
    // Stopped after epoch 3 on one path, resumed on the other, both ways.
    for (const [first, then] of [['tfjs', 'auto'], ['auto', 'tfjs']] as const) {
      const interrupted = await train({ ...plan, epochs: 3 }, first, classWeights);
      const resumed = await train(plan, then, classWeights, interrupted.saved[2]);
      expect(resumed.records.length).toBe(whole.records.length - 3);
      expectSameTraining({ ...resumed, records: [...interrupted.records, ...resumed.records], states: [...interrupted.states, ...resumed.states] }, whole);
    }
  });
});
