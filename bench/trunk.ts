// Benchmark: frozen-trunk features per engine, images per second, on the same random images (batch
// 32): onnx (createOnnxTrunk, the runtime's code path), raw onnxruntime (InferenceSession.run on
// the same cached graph with the same session options), tfjs on WebAssembly and pure-JS tfjs
// ('cpu', only at the small size: it is slow). MobileNetV2 at 96 and 224, ResNet50V2 at 224.
// Each row: one warm-up batch, then timed batches until MIN_SECONDS have passed (the two
// onnxruntime engines: best of alternating rounds); its speed relative to onnx; and the process's
// peak RSS during the row (Linux: VmHWM reset before it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@tlc/runtime';
import { buildBackbone } from '@tlc/zoo';
import { createOnnxTrunk, cachedGraph, openOnnxSession, OnnxTensor, ONNX_INPUT } from '../packages/runtime/src/onnx/index';

const BATCH = 32;
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

/** Runs one warm-up batch, then timed batches until MIN_SECONDS; images per second. */
async function imagesPerSecond(runBatch: () => Promise<unknown>): Promise<{ images: number; seconds: number }> {
  await runBatch();
  let images = 0;
  const start = performance.now();
  do {
    await runBatch();
    images += BATCH;
  } while ((performance.now() - start) / 1000 < MIN_SECONDS);
  return { images, seconds: (performance.now() - start) / 1000 };
}

async function measure(engine: Engine, model: tf.LayersModel, cacheDir: string, graphPath: string, pixels: Float32Array, shape: number[]) {
  switch (engine) {
    case 'onnx': {
      const trunk = await createOnnxTrunk(model, { cacheDir, providers: ['cpu'] });
      const result = await imagesPerSecond(() => trunk.run(pixels, BATCH));
      await trunk.dispose();
      return { ...result, detail: `${trunk.provider}, ${availableParallelism()} threads` };
    }
    case 'onnxruntime raw': {
      const { session } = await openOnnxSession(graphPath, ['cpu']);
      const input = new OnnxTensor('float32', pixels, [BATCH, ...shape]);
      const result = await imagesPerSecond(() => session.run({ [ONNX_INPUT]: input }));
      await session.release();
      return { ...result, detail: `cpu, ${availableParallelism()} threads` };
    }
    case 'tfjs wasm':
    case 'tfjs cpu': {
      const selected = await selectBackend(engine === 'tfjs wasm' ? 'wasm' : 'cpu');
      const result = await imagesPerSecond(async () => {
        const features = tf.tidy(() => model.predict(tf.tensor4d(pixels, [BATCH, ...shape] as [number, number, number, number])) as tf.Tensor);
        await features.data();
        features.dispose();
      });
      return { ...result, detail: selected.description };
    }
  }
}

/** Speed and peak memory of one engine: the best of its rounds, the highest peak. */
interface Measured {
  images: number;
  seconds: number;
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
    const { path } = cachedGraph(model, {}, cacheDir);
    const exportSeconds = (performance.now() - exportStart) / 1000;
    const results = new Map<Engine, Measured>();
    // onnxruntime rows alternate over ONNX_ROUNDS rounds so a shared machine's load drifts over
    // both alike; each keeps its best round.
    for (let round = 0; round < ONNX_ROUNDS; round++) {
      for (const engine of engines.filter((e) => round === 0 || e.startsWith('onnx'))) {
        resetPeakRss();
        const { images, seconds, detail } = await measure(engine, model, cacheDir, path, pixels, shape);
        const peakMb = peakRssMb();
        const best = results.get(engine);
        if (!best || images / seconds > best.images / best.seconds) results.set(engine, { images, seconds, detail, peakMb: Math.max(peakMb, best?.peakMb ?? 0) });
        else best.peakMb = Math.max(best.peakMb, peakMb);
      }
    }
    const onnx = results.get('onnx') as Measured;
    for (const engine of engines) {
      const { images, seconds, detail, peakMb } = results.get(engine) as Measured;
      const speed = images / seconds;
      rows.push({
        model: name,
        input: `${size}x${size}`,
        engine,
        batch: BATCH,
        images,
        'images/s': Number(speed.toFixed(1)),
        'vs onnx': Number((speed / (onnx.images / onnx.seconds)).toFixed(3)),
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
