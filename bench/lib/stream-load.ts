// One row of bench/stream.ts in a process of its own, so its peak RSS is its own (the kernel's
// high-water mark of a fresh process): loads the generated set as a run does, then prints one
// JSON line. Modes: `streamed` (memory share tiny: the pixel cache on disk), `epoch` (streamed,
// then one shuffled epoch read into tensors; the epoch is what is timed), `memory` (the default
// share: held in memory; then an epoch, timed apart as epochSeconds), `baseline` (nothing loaded:
// what the process takes before any data).
// usage: run-ts.mjs bench/lib/stream-load.ts MODE WORK_DIR CACHE_DIR SIZE BATCH
import { performance } from 'node:perf_hooks';
import type { DataPlan } from '@tlc/plan';
import { loadData, pixelSource, selectBackend } from '@tlc/runtime';
import { peakRssMb } from './peak-rss';

const [mode, work, cacheDir, size, batch] = process.argv.slice(2);
const SIZE = Number(size);
const BATCH = Number(batch);
const plan: DataPlan = {
  directory: 'images', imageSize: [SIZE, SIZE], colorMode: 'rgb', resize: 'stretch', validation: { mode: 'split', fraction: 0.1, seed: 1 },
  batchSize: BATCH, shuffle: true, seed: 1, onBadImage: 'fail', maxPixels: 1e8, augment: null, labels: null,
};

await selectBackend('wasm');
let out: Record<string, unknown> = {};
if (mode !== 'baseline') {
  const start = performance.now();
  const loaded = await loadData(plan, work!, { pixelCacheDir: cacheDir, ...(mode === 'memory' ? {} : { memoryShare: 1e-9 }) });
  out = { seconds: (performance.now() - start) / 1000, images: loaded.training.size + (loaded.validation?.size ?? 0), streamed: loaded.streamed };
  if (mode === 'epoch' || mode === 'memory') {
    const epochStart = performance.now();
    let images = 0;
    for await (const b of pixelSource(loaded.training, { batchSize: BATCH, shuffle: true, seed: 1, augment: null }).batches(0)) {
      images += b.labels.length;
      b.pixels.dispose();
    }
    const epochSeconds = (performance.now() - epochStart) / 1000;
    out = mode === 'epoch' ? { ...out, seconds: epochSeconds, images } : { ...out, epochSeconds, epochImages: images };
  }
  await loaded.training.close();
  await loaded.validation?.close();
}
console.log(JSON.stringify({ ...out, peakMb: Math.round(peakRssMb()) }));
