// Benchmark: frozen-trunk features per engine, images per second, on the same random raw pixels
// (batch 32, Keras 'tf' preprocessing): onnx (startTrunkEngine + TrunkRunner, the path a run takes,
// preprocessing folded into the graph), raw onnxruntime (InferenceSession.run on the same cached
// graph with the same session options), tfjs on WebAssembly and pure-JS tfjs ('cpu', only at the
// small size: it is slow), both through TrunkRunner. MobileNetV2 at 96 and 224, ResNet50V2 at 224.
// Each row: one warm-up batch, then timed batches until MIN_SECONDS have passed (the two
// onnxruntime engines: best of alternating rounds); its speed relative to onnx, by the wall clock
// and per CPU-second of the process (steadier on a shared machine); and the process's RSS at the
// row's start and its peak during the row (Linux: VmHWM reset before it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { PreprocessPlan } from '@tlc/plan';
import { cachedGraph, inputTransformFor, openOnnxSession, OnnxTensor, ONNX_INPUT, selectBackend, startTrunkEngine } from '@tlc/runtime';
import { buildBackbone } from '@tlc/zoo';
import { TrunkRunner } from '../packages/runtime/src/features/trunk';

const BATCH = 32;
/** Keras's 'tf' preprocessing, which both MobileNetV2 and ResNet50V2 use: x / 127.5 - 1. */
const PREPROCESS: PreprocessPlan = { requested: 'native', mode: 'tf', channelOrder: 'rgb', scale: 1 / 127.5, mean: [1], std: [1] };
const MIN_SECONDS = 3;
/** Rounds of the two onnxruntime engines, alternating; each reports its best. */
const ONNX_ROUNDS = 3;

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

/** Resets the kernel's RSS high-water mark (Linux); false where that is not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS in MB since the last reset (Linux VmHWM), else the process's lifetime peak. */
function peakRssMb(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    if (line) return Number(line.replace(/\D+/g, '')) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Runs one warm-up batch, then timed batches until MIN_SECONDS: images, wall seconds, and CPU
 * seconds of the whole process (all threads), which other processes' load disturbs far less.
 */
async function imagesPerSecond(runBatch: () => Promise<unknown>): Promise<{ images: number; seconds: number; cpuSeconds: number }> {
  await runBatch();
  let images = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  do {
    await runBatch();
    images += BATCH;
  } while ((performance.now() - start) / 1000 < MIN_SECONDS);
  const cpu = process.cpuUsage(cpuStart);
  return { images, seconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The pipeline's way through the trunk for raw pixels: TrunkRunner, with an ONNX trunk or not. */
async function throughRunner(runner: TrunkRunner, pixels: tf.Tensor4D, values?: Float32Array): Promise<void> {
  const features = await runner.run(pixels, values);
  await features.data();
  features.dispose();
}

async function measure(engine: Engine, model: tf.LayersModel, cacheDir: string, pixelValues: Float32Array, shape: number[]) {
  switch (engine) {
    case 'onnx': {
      // As a run does it: the default backend holds the pixels, the trunk engine is started by
      // startTrunkEngine with the plan's preprocessing, and TrunkRunner runs each batch.
      await selectBackend('wasm');
      const started = await startTrunkEngine(model, 'onnx', { cacheDir, preprocess: PREPROCESS });
      const runner = new TrunkRunner(model, PREPROCESS, started.onnx);
      const pixels = tf.tensor4d(pixelValues, [BATCH, ...shape] as [number, number, number, number]);
      // The pixel tensor and its flat array, as the run's pixel source hands them over.
      const result = await imagesPerSecond(() => throughRunner(runner, pixels, pixelValues));
      pixels.dispose();
      await runner.dispose();
      return { ...result, detail: `${started.description}, ${availableParallelism()} threads, via TrunkRunner` };
    }
    case 'onnxruntime raw': {
      const { path } = cachedGraph(model, { inputTransform: inputTransformFor(PREPROCESS, shape[2]) }, cacheDir);
      const { session, provider } = await openOnnxSession(path, ['cpu']);
      const input = new OnnxTensor('float32', pixelValues, [BATCH, ...shape]);
      const result = await imagesPerSecond(() => session.run({ [ONNX_INPUT]: input }));
      await session.release();
      return { ...result, detail: `${provider}, ${availableParallelism()} threads, InferenceSession.run on the same graph` };
    }
    case 'tfjs wasm':
    case 'tfjs cpu': {
      const selected = await selectBackend(engine === 'tfjs wasm' ? 'wasm' : 'cpu');
      const runner = new TrunkRunner(model, PREPROCESS);
      const pixels = tf.tensor4d(pixelValues, [BATCH, ...shape] as [number, number, number, number]);
      const result = await imagesPerSecond(() => throughRunner(runner, pixels));
      pixels.dispose();
      return { ...result, detail: `${selected.description}, via TrunkRunner` };
    }
  }
}

/** Speed and peak memory of one engine: the best of its rounds, the highest peak. */
interface Measured {
  images: number;
  seconds: number;
  cpuSeconds: number;
  /** RSS when the row started, and its high-water mark during the row. */
  startMb: number;
  peakMb: number;
  detail: string;
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
    const pixels = tf.tidy(() => tf.randomUniform([BATCH, ...shape], 0, 255, 'float32', 1).dataSync() as Float32Array);
    const exportStart = performance.now();
    cachedGraph(model, { inputTransform: inputTransformFor(PREPROCESS, 3) }, cacheDir);
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const results = new Map<Engine, Measured>();
    // onnxruntime rows alternate over ONNX_ROUNDS rounds so a shared machine's load drifts over
    // both alike; each keeps its best round.
    for (let round = 0; round < ONNX_ROUNDS; round++) {
      for (const engine of engines.filter((e) => round === 0 || e.startsWith('onnx'))) {
        resetPeakRss();
        const startMb = process.memoryUsage.rss() / 1024 ** 2;
        const { images, seconds, cpuSeconds, detail } = await measure(engine, model, cacheDir, pixels, shape);
        const peakMb = peakRssMb();
        const best = results.get(engine);
        if (!best || images / seconds > best.images / best.seconds) {
          results.set(engine, { images, seconds, cpuSeconds, detail, startMb, peakMb: Math.max(peakMb, best?.peakMb ?? 0) });
        } else best.peakMb = Math.max(best.peakMb, peakMb);
      }
    }
    const onnx = results.get('onnx') as Measured;
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
