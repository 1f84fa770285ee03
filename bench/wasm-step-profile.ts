// Benchmark: where one full training step of MobileNetV2 goes on WebAssembly (issue 14's row 3:
// every layer trains). MobileNetV2 (alpha 1.0, 128x128 RGB, random weights) with a pooled dense
// head, batch 16, Adam, as model.trainOnBatch runs it (the runtime's step is the same graph):
// after a warm-up step, one step under tf.profile, its kernels grouped by name with their share of
// the summed kernel time, and beside them the wall time of a step unprofiled, of a training-mode
// forward pass (what the per-epoch BatchNormalization statistics pass, train/precise-bn.ts, runs
// for 512 images) and of an inference forward pass. TLC_BENCH_PROFILE_SIZE / _ALPHA / _BATCH change
// the model (e.g. 96 / 0.35 / 32 for row 3 itself).
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@tlc/runtime';
import { buildBackbone } from '@tlc/zoo';
import { PRECISE_BN_IMAGES } from '../packages/runtime/src/train/precise-bn';

const SIZE = Number(process.env.TLC_BENCH_PROFILE_SIZE ?? 128);
const ALPHA = Number(process.env.TLC_BENCH_PROFILE_ALPHA ?? 1);
const BATCH = Number(process.env.TLC_BENCH_PROFILE_BATCH ?? 16);
const CLASSES = 10;
const TOP = 16;

/** The kernels tlc supplies or replaces on wasm (packages/runtime/src/backend/wasm-kernels/). */
const SUPPLIED = new Set(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'Tile']);

async function seconds(f: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await f();
  return (performance.now() - start) / 1000;
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const backend = await selectBackend('wasm');
  const backbone = buildBackbone('MobileNetV2', { inputShape: [SIZE, SIZE, 3], alpha: ALPHA });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(backbone.outputs[0]!) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: CLASSES, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: backbone.inputs, outputs: output });
  model.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
  const images = tf.randomUniform([BATCH, SIZE, SIZE, 3], -1, 1);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, CLASSES, 'int32') as tf.Tensor1D, CLASSES);

  await model.trainOnBatch(images, labels); // warm-up: XNNPACK operators, kernel set-up
  const step = await seconds(() => model.trainOnBatch(images, labels));
  const forwardTraining = await seconds(async () => {
    const y = tf.tidy(() => model.apply(images, { training: true }) as tf.Tensor);
    await y.data();
    y.dispose();
  });
  const forward = await seconds(async () => {
    const y = model.predict(images) as tf.Tensor;
    await y.data();
    y.dispose();
  });
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(images, labels);
  });
  tf.dispose([images, labels]);
  model.dispose();

  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    byName.set(k.name, entry);
  }
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  const sorted = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const rows: Record<string, string | number>[] = sorted.slice(0, TOP).map(([name, { ms, calls }]) => ({
    kernel: name,
    calls,
    ms: Math.round(ms),
    share: `${((100 * ms) / total).toFixed(1)}%`,
    note: SUPPLIED.has(name) ? 'supplied/replaced by tlc on wasm' : '',
  }));
  const rest = sorted.slice(TOP).reduce((a, [, v]) => ({ ms: a.ms + v.ms, calls: a.calls + v.calls }), { ms: 0, calls: 0 });
  rows.push({ kernel: `${sorted.length - TOP} other kernels`, calls: rest.calls, ms: Math.round(rest.ms), share: `${((100 * rest.ms) / total).toFixed(1)}%`, note: '' });
  rows.push({ kernel: 'all kernels (profiled step)', calls: profile.kernels.length, ms: Math.round(total), share: '100%', note: '' });
  const perEpochBn = (PRECISE_BN_IMAGES / BATCH) * forwardTraining;
  return {
    title: `One training step of MobileNetV2 (alpha ${ALPHA}, ${SIZE}x${SIZE}, every layer trains) on ${backend.description}, batch ${BATCH}: `
      + `step ${step.toFixed(2)} s unprofiled (${(BATCH / step).toFixed(1)} images/s); training-mode forward ${forwardTraining.toFixed(2)} s `
      + `(the precise-BN pass: ${PRECISE_BN_IMAGES} images = ${perEpochBn.toFixed(1)} s per epoch); inference forward ${forward.toFixed(2)} s`,
    rows,
  };
}
