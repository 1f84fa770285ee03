// Benchmark: is decoding ever the bottleneck? The data loader's decode-and-resize pipeline alone
// (loadData: scan, sharp decode + resize of every image, checks; its default concurrency) on the
// Fashion-MNIST subset (2,000 PNGs, 28x28 gray) to 96x96 RGB, and on the same images written by
// sharp as 224x224 JPEGs (decoded at 224x224), against the frozen trunk the run feeds them to:
// MobileNetV2 (alpha 1.0, random weights) on onnxruntime through TrunkRunner at the same size,
// on the decoded pixels. The ratio column is each size's decode speed over its trunk speed: above 1,
// decoding keeps ahead of the trunk (target: always).
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataPlan } from '@tlc/plan';
import { loadData, pixelSource, selectBackend, startTrunkRuntime, TrunkRunner, type LoadedData } from '@tlc/runtime';
import { buildBackbone } from '@tlc/zoo';
import { BATCH, EXAMPLES_DIR, fashionPlan } from './lib/fashion-plan';
import { withPeakRss } from './lib/peak-rss';

/** The part of sharp this file uses; sharp is the runtime package's dependency, required from there. */
interface SharpChain {
  resize(width: number, height: number): SharpChain;
  toColourspace(space: 'srgb'): SharpChain;
  jpeg(options: { quality: number }): SharpChain;
  toFile(file: string): Promise<unknown>;
}
const sharp = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('sharp') as (file: string) => SharpChain;

/** Timed trunk batches per size (after one warm-up batch). */
const TRUNK_BATCHES = 8;

/** Writes every Fashion image as a 224x224 RGB JPEG into `dir`, class folders kept. */
async function writeJpegs(dir: string): Promise<void> {
  const source = join(EXAMPLES_DIR, 'data/fashion/train');
  for (const cls of readdirSync(source)) {
    mkdirSync(join(dir, cls));
    for (const file of readdirSync(join(source, cls))) {
      await sharp(join(source, cls, file)).resize(224, 224).toColourspace('srgb').jpeg({ quality: 90 }).toFile(join(dir, cls, file.replace(/\.png$/, '.jpg')));
    }
  }
}

async function decodeRow(data: DataPlan, baseDir: string): Promise<{ loaded: LoadedData; speed: number; peakMb: number; perRow: boolean }> {
  const { result, peakMb, perRow } = await withPeakRss(async () => {
    const start = performance.now();
    const loaded = await loadData(data, baseDir);
    return { loaded, seconds: (performance.now() - start) / 1000 };
  });
  return { loaded: result.loaded, speed: result.loaded.training.size / result.seconds, peakMb, perRow };
}

/** Images per second of the trunk on onnxruntime, fed the decoded pixels as a run feeds them. */
async function trunkRow(loaded: LoadedData, size: number, cacheDir: string): Promise<{ speed: number; peakMb: number; engine: string }> {
  const plan = fashionPlan({ alpha: 1, freeze: 'all', epochs: 1 });
  const model = buildBackbone('MobileNetV2', { inputShape: [size, size, 3] });
  const { result, peakMb } = await withPeakRss(async () => {
    const started = await startTrunkRuntime(model, 'onnx', { cacheDir, preprocess: plan.preprocess });
    const runner = new TrunkRunner(model, plan.preprocess, started.onnx);
    let batches = 0;
    let start = 0;
    for await (const batch of pixelSource(loaded.training, { batchSize: BATCH, shuffle: false, seed: 1, augment: null }).batches(0)) {
      (await runner.run(batch.pixels, batch.values)).dispose();
      batch.pixels.dispose();
      if (batches++ === 0) start = performance.now(); // the first batch warms up
      if (batches > TRUNK_BATCHES) break;
    }
    const speed = (TRUNK_BATCHES * BATCH) / ((performance.now() - start) / 1000);
    await runner.dispose();
    return { speed, engine: started.description };
  });
  model.dispose();
  return { speed: result.speed, peakMb, engine: result.engine };
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  await selectBackend('wasm');
  const work = mkdtempSync(join(tmpdir(), 'tlc-bench-decode-'));
  const jpegDir = join(work, 'fashion224');
  mkdirSync(jpegDir);
  await writeJpegs(jpegDir);
  const data = fashionPlan({ alpha: 1, freeze: 'all', epochs: 1 }).data!;
  const rows: Record<string, string | number>[] = [];
  const cases = [
    { size: 96, what: 'Fashion PNGs (28x28 gray) -> 96x96 RGB', plan: data, baseDir: EXAMPLES_DIR },
    { size: 224, what: 'sharp-written 224x224 JPEGs -> 224x224 RGB', plan: { ...data, directory: jpegDir, imageSize: [224, 224] as [number, number] }, baseDir: work },
  ];
  try {
    for (const c of cases) {
      const decoded = await decodeRow(c.plan, c.baseDir);
      const trunk = await trunkRow(decoded.loaded, c.size, work);
      const peak = decoded.perRow ? 'peak RSS MB (row)' : 'peak RSS MB (process)';
      rows.push({
        stage: 'decode + resize', input: c.what, images: decoded.loaded.training.size,
        'images/s': Math.round(decoded.speed), 'vs trunk': Number((decoded.speed / trunk.speed).toFixed(2)), [peak]: decoded.peakMb,
        detail: 'loadData (sharp, default concurrency)',
      });
      rows.push({
        stage: 'trunk features', input: `MobileNetV2 1.0 at ${c.size}x${c.size}`, images: TRUNK_BATCHES * BATCH,
        'images/s': Math.round(trunk.speed), 'vs trunk': 1, [peak]: trunk.peakMb, detail: `${trunk.engine}, TrunkRunner, batch ${BATCH}`,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const met = rows.filter((r) => r.stage === 'decode + resize').every((r) => (r['vs trunk'] as number) > 1);
  return {
    title: `Decode and resize alone vs the trunk it feeds (${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}); target decoding never the bottleneck: ${met ? 'met' : 'NOT met'}`,
    rows,
  };
}
