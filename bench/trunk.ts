// Benchmark: frozen-trunk features per engine, images per second, on the same random raw pixels
// (batch 32, Keras 'tf' preprocessing): onnx (startTrunkRuntime + TrunkRunner, the path a run takes,
// preprocessing folded into the graph), raw onnxruntime (InferenceSession.run on the same cached
// graph with the same session options), tfjs on WebAssembly and pure-JS tfjs ('cpu', only at the
// small size: it is slow), both through TrunkRunner. MobileNetV2 at 96 and 224, ResNet50V2 at 224.
// Each row: warm-up batches, then timed batches until MIN_SECONDS (onnx and raw onnxruntime take
// turns batch by batch, so both see the same load from other processes); its speed relative to
// onnx, by the wall clock and per CPU-second of the process (steadier on a shared machine); and
// the process's RSS at the row's start and its peak during it (Linux: VmHWM reset before it; the
// two onnxruntime rows share one measurement).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { PreprocessPlan } from '@tlc/plan';
import { cachedGraph, inputTransformFor, openOnnxSession, OnnxTensor, ONNX_INPUT, selectBackend, startTrunkRuntime } from '@tlc/runtime';
import { buildBackbone } from '@tlc/zoo';
import { TrunkRunner } from '../packages/runtime/src/features/trunk';
import { peakRssMb, resetPeakRss } from './lib/peak-rss';

const BATCH = 32;
/** Keras's 'tf' preprocessing, which both MobileNetV2 and ResNet50V2 use: x / 127.5 - 1. */
const PREPROCESS: PreprocessPlan = { requested: 'native', mode: 'tf', channelOrder: 'rgb', scale: 1 / 127.5, mean: [1], std: [1] };
const MIN_SECONDS = 3;
/** At least this many timed batches per onnxruntime row (a ResNet50V2 batch takes seconds); tfjs rows take one. */
const MIN_BATCHES = 3;

type Engine = 'onnx' | 'onnxruntime raw' | 'tfjs wasm' | 'tfjs cpu';

interface Case {
  model: string;
  size: number;
  engines: Engine[];
}

const CASES: Case[] = [
  { model: 'MobileNetV2', size: 96, engines: ['onnx', 'onnxruntime raw', 'tfjs wasm', 'tfjs cpu'] },
  { model: 'MobileNetV2', size: 224, engines: ['onnx', 'onnxruntime raw', 'tfjs wasm'] },
  { model: 'ResNet50V2', size: 224, engines: ['onnx', 'onnxruntime raw', 'tfjs wasm'] },
];

/** Images, wall seconds and CPU seconds of the whole process (all threads) for some batches. */
interface Timing {
  images: number;
  seconds: number;
  cpuSeconds: number;
}

/** Times one batch into `timing`. */
async function timeBatch(timing: Timing, runBatch: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await runBatch();
  const cpu = process.cpuUsage(cpuStart);
  timing.seconds += (performance.now() - start) / 1000;
  timing.cpuSeconds += (cpu.user + cpu.system) / 1e6;
  timing.images += BATCH;
}

/**
 * Runs `warmUp` untimed batches of each, then batches of each in turn until each has run for
 * MIN_SECONDS and MIN_BATCHES: taking turns batch by batch, engines compared against each other see the same load
 * from other processes.
 */
async function timeInTurns(runners: (() => Promise<unknown>)[], warmUp: number, minBatches = MIN_BATCHES): Promise<Timing[]> {
  for (const run of runners) for (let i = 0; i < warmUp; i++) await run();
  const timings = runners.map(() => ({ images: 0, seconds: 0, cpuSeconds: 0 }));
  do {
    for (const [i, run] of runners.entries()) await timeBatch(timings[i], run);
  } while (timings.some((t) => t.seconds < MIN_SECONDS || t.images < minBatches * BATCH));
  return timings;
}

/** The pipeline's way through the trunk for raw pixels: TrunkRunner, with an ONNX trunk or not. */
async function throughRunner(runner: TrunkRunner, pixels: tf.Tensor4D, values?: Float32Array): Promise<void> {
  const features = await runner.run(pixels, values);
  await features.data();
  features.dispose();
}

interface Measured extends Timing {
  detail: string;
  /** RSS when the measurement started, and its high-water mark during it. */
  startMb: number;
  peakMb: number;
}

/** Runs `measure` between an RSS high-water-mark reset and a reading. */
async function withMemory<T>(measure: () => Promise<T>): Promise<{ result: T; startMb: number; peakMb: number }> {
  resetPeakRss();
  const startMb = process.memoryUsage.rss() / 1024 ** 2;
  const result = await measure();
  return { result, startMb, peakMb: peakRssMb() };
}

/**
 * onnx and raw onnxruntime, in turns on the same graph. onnx goes as a run does: the default
 * backend (wasm) holds the pixel tensor, startTrunkRuntime starts the trunk with the plan's
 * preprocessing, and TrunkRunner runs each batch, given the pixel tensor and its flat array as the
 * run's pixel source hands them over. Their memory is measured together (one process, one graph).
 */
async function measureOnnx(model: tf.LayersModel, cacheDir: string, values: Float32Array, shape: number[]): Promise<[Measured, Measured]> {
  await selectBackend('wasm');
  const { result, startMb, peakMb } = await withMemory(async () => {
    const started = await startTrunkRuntime(model, 'onnx', { cacheDir, preprocess: PREPROCESS });
    const runner = new TrunkRunner(model, PREPROCESS, started.onnx);
    const pixels = tf.tensor4d(values, [BATCH, ...shape] as [number, number, number, number]);
    const { session, provider } = await openOnnxSession(started.onnx!.graphPath, ['cpu']);
    const input = new OnnxTensor('float32', values, [BATCH, ...shape]);
    const [onnx, raw] = await timeInTurns([() => throughRunner(runner, pixels, values), () => session.run({ [ONNX_INPUT]: input })], 2);
    pixels.dispose();
    await runner.dispose();
    await session.release();
    return [
      { ...onnx, detail: `${started.description}, ${availableParallelism()} threads, via TrunkRunner` },
      { ...raw, detail: `${provider}, ${availableParallelism()} threads, InferenceSession.run on the same graph` },
    ];
  });
  return [{ ...result[0], startMb, peakMb }, { ...result[1], startMb, peakMb }];
}

/** tfjs on a backend, through TrunkRunner (preprocessing, then trunk.predict). */
async function measureTfjs(backend: 'wasm' | 'cpu', model: tf.LayersModel, values: Float32Array, shape: number[]): Promise<Measured> {
  const selected = await selectBackend(backend);
  const { result, startMb, peakMb } = await withMemory(async () => {
    const runner = new TrunkRunner(model, PREPROCESS);
    const pixels = tf.tensor4d(values, [BATCH, ...shape] as [number, number, number, number]);
    // Pure-JS tfjs has nothing to warm up and takes many seconds a batch.
    const [timing] = await timeInTurns([() => throughRunner(runner, pixels)], backend === 'cpu' ? 0 : 1, 1);
    pixels.dispose();
    return timing;
  });
  return { ...result, detail: `${selected.description}, via TrunkRunner`, startMb, peakMb };
}

export default async function trunkBenchmark() {
  const rows: Record<string, string | number>[] = [];
  const peakIsPerRow = resetPeakRss();
  // Randomly initialised models make new graphs each run: keep them out of the user's cache.
  const cacheDir = mkdtempSync(join(tmpdir(), 'tlc-bench-onnx-'));
  for (const { model: name, size, engines } of CASES) {
    await selectBackend('cpu');
    const model = buildBackbone(name, { inputShape: [size, size, 3] });
    const shape = [size, size, 3];
    const values = tf.tidy(() => tf.randomUniform([BATCH, ...shape], 0, 255, 'float32', 1).dataSync() as Float32Array);
    const exportStart = performance.now();
    cachedGraph(model, { inputTransform: inputTransformFor(PREPROCESS, 3) }, cacheDir);
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const results = new Map<Engine, Measured>();
    const [onnx, raw] = await measureOnnx(model, cacheDir, values, shape);
    results.set('onnx', onnx).set('onnxruntime raw', raw);
    for (const engine of engines) {
      if (engine === 'tfjs wasm' || engine === 'tfjs cpu') results.set(engine, await measureTfjs(engine === 'tfjs wasm' ? 'wasm' : 'cpu', model, values, shape));
    }
    for (const engine of engines) {
      const { images, seconds, cpuSeconds, detail, startMb, peakMb } = results.get(engine) as Measured;
      const speed = images / seconds;
      rows.push({
        model: name,
        input: `${size}x${size}`,
        engine,
        batch: BATCH,
        images,
        'images/s': Number(speed.toFixed(1)),
        'vs onnx': Number((speed / (onnx.images / onnx.seconds)).toFixed(3)),
        'images/CPU-s': Number((images / cpuSeconds).toFixed(1)),
        'CPU vs onnx': Number((images / cpuSeconds / (onnx.images / onnx.cpuSeconds)).toFixed(3)),
        'RSS at start MB': Math.round(startMb),
        [peakIsPerRow ? 'peak RSS MB (row)' : 'peak RSS MB (process)']: Math.round(peakMb),
        detail: engine === 'onnx' ? `${detail}; graph exported in ${exportSeconds.toFixed(1)} s` : detail,
      });
    }
    model.dispose();
  }
  rmSync(cacheDir, { recursive: true, force: true });
  const load = loadavg()[0].toFixed(1);
  return { title: `Trunk features (batch ${BATCH}, ${availableParallelism()} cores, load average ${load} at the end)`, rows };
}
