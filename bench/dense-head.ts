// Benchmark: the fused dense step (train/dense-tail.ts) against the tfjs path for the head of a
// feature extractor: 40 epochs of a 1280x4 dense head (Adam) on 1,000 seeded feature vectors
// (800 training, 200 validation, batch 32), as after `freeze all` on MobileNetV2 1.0 with the
// features cached. The two paths take turns three times on the same weights (same load); each row
// is the median of its three, by the clock and by CPU time (user + system).
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { HeadPlan, StagePlan } from '@tlc/plan';
import { createRng, runStage, selectBackend, STREAMS, type FeatureSource } from '@tlc/runtime';
import { applyHead } from '../packages/runtime/src/model/head';

const FEATURES = 1280;
const IMAGES = 1000;
const BATCH = 32;
const CLASSES = 4;
const EPOCHS = 40;
const ROUNDS = 3;

const HEAD: HeadPlan = { layers: [{ type: 'dense', units: CLASSES, activation: 'softmax', name: 'head_dense_1' }], outputUnits: CLASSES, outputActivation: 'softmax' };
const STAGE: StagePlan = {
  name: 'train', epochs: EPOCHS, batchSize: BATCH,
  optimizer: { name: 'adam', learningRate: 1e-3, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
  loss: 'categorical_crossentropy', metrics: ['accuracy'], labelSmoothing: 0, earlyStopping: null, classWeights: { mode: 'none' },
  schedule: { kind: 'constant' }, frozenLayers: [], batchNormInference: false, layerLearningRates: [], checkpoint: { monitor: 'val_accuracy', mode: 'max' }, precision: 'float32',
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  await selectBackend('wasm');
  const rng = createRng(3);
  const x = Float32Array.from({ length: IMAGES * FEATURES }, () => Math.max(0, rng.uniform(-1, 2)));
  const labels = Int32Array.from({ length: IMAGES }, (_, i) => i % CLASSES);
  // Batches as CachedFeatures yields them: a tensor and its rows, in a seeded order per epoch.
  const source = (from: number, to: number, shuffle: boolean): FeatureSource => ({
    size: to - from,
    async *batches(epoch: number) {
      const order = Array.from({ length: to - from }, (_, i) => from + i);
      if (shuffle) createRng(5, STREAMS.batchOrder, epoch).shuffle(order);
      for (let start = 0; start < order.length; start += BATCH) {
        const slice = order.slice(start, start + BATCH);
        const values = new Float32Array(slice.length * FEATURES);
        slice.forEach((p, i) => values.set(x.subarray(p * FEATURES, (p + 1) * FEATURES), i * FEATURES));
        yield { x: tf.tensor2d(values, [slice.length, FEATURES]), values, labels: Int32Array.from(slice, (p) => labels[p]!), indices: slice };
      }
    },
  });
  const input = tf.input({ shape: [FEATURES] });
  const model = tf.model({ inputs: input, outputs: applyHead(input, HEAD) });
  const initial = model.getWeights().map((w) => tf.keep(w.clone()));
  const times = { tfjs: { wall: [] as number[], cpu: [] as number[], loss: 0 }, auto: { wall: [] as number[], cpu: [] as number[], loss: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const steps of ['tfjs', 'auto'] as const) {
      model.setWeights(initial);
      const started = performance.now();
      const cpu = process.cpuUsage();
      const result = await runStage({ model, tail: model, head: HEAD, stage: STAGE, train: source(0, 800, true), validation: source(800, IMAGES, false), classWeights: null, batchSize: BATCH, steps });
      const used = process.cpuUsage(cpu);
      times[steps].wall.push((performance.now() - started) / 1000);
      times[steps].cpu.push((used.user + used.system) / 1e6);
      times[steps].loss = result.epochs[result.epochs.length - 1]!.loss;
    }
  }
  model.dispose();
  initial.forEach((t) => t.dispose());
  const row = (path: string, t: typeof times.tfjs) => ({
    path, 'seconds (40 epochs)': Number(median(t.wall).toFixed(2)), 'CPU s': Number(median(t.cpu).toFixed(2)),
    'vs tfjs (clock)': Number((median(t.wall) / median(times.tfjs.wall)).toFixed(2)), 'vs tfjs (CPU)': Number((median(t.cpu) / median(times.tfjs.cpu)).toFixed(2)),
    'last epoch loss': Number(t.loss.toFixed(5)),
  });
  return {
    title: `Dense head, ${EPOCHS} epochs on ${IMAGES} cached ${FEATURES}-wide features, batch ${BATCH}, wasm (${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)})`,
    rows: [row('tfjs (per-kernel)', times.tfjs), row('fused dense step (TypeScript)', times.auto)],
  };
}
