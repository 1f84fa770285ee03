// Benchmark: data larger than memory (issue 14). N generated 224x224 RGB JPEGs (20,000 unless
// TLC_BENCH_STREAM_IMAGES says fewer, for a quick check; made here in a temporary folder, 10
// classes, removed at the end) loaded the way a run loads them:
//   1. streamed, first run: decoded (sharp, the loader's concurrency) into the pixel cache on disk,
//      the memory share set tiny so nothing is held in memory: images/s of the decode pipeline;
//   2. one training epoch read back from the cache (batch 32, shuffled, the next batches read
//      ahead) into the tensors a trainer takes: images/s;
//   3. streamed, second run: the cache reused, nothing decoded: images/s and the speed-up over 1;
//   4. the same set held in memory, as before streaming (the default share), for its peak RSS, and
//      an epoch from memory, against which the streamed epoch's speed is given.
// Peak RSS per row (the kernel's high-water mark, reset before each row): streaming stays flat
// whatever N, the in-memory row grows with N (H x W x 3 bytes an image).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createRng } from '@tlc/runtime';

const RUN_TS = fileURLToPath(new URL('../packages/cli/bin/run-ts.mjs', import.meta.url));
const STREAM_LOAD = fileURLToPath(new URL('./lib/stream-load.ts', import.meta.url));

interface SharpChain {
  jpeg(options: { quality: number }): SharpChain;
  toFile(file: string): Promise<unknown>;
}
const sharp = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('sharp') as (
  input: Buffer, options: { raw: { width: number; height: number; channels: 3 } },
) => SharpChain;

const IMAGES = Math.max(20, Number(process.env.TLC_BENCH_STREAM_IMAGES ?? 20_000));
const SIZE = 224;
const CLASSES = 10;
const BATCH = 32;

/** A seeded picture: a colour gradient per class, a moving disc, noise (so JPEG has work to do). */
function picture(cls: number, index: number): Buffer {
  const rng = createRng(cls * 1_000_003 + index);
  const pixels = Buffer.alloc(SIZE * SIZE * 3);
  const cx = rng.uniform(40, 184);
  const cy = rng.uniform(40, 184);
  const r = rng.uniform(15, 40);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      const o = (y * SIZE + x) * 3;
      pixels[o] = inside ? 240 : (x + cls * 25) & 255;
      pixels[o + 1] = inside ? 30 : (y * 2 + cls * 10) & 255;
      pixels[o + 2] = ((x ^ y) + rng.int(32)) & 255;
    }
  }
  return pixels;
}

async function writeImages(root: string): Promise<void> {
  for (let c = 0; c < CLASSES; c++) mkdirSync(join(root, `class${c}`), { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < IMAGES) {
      const i = next++;
      const cls = i % CLASSES;
      await sharp(picture(cls, i), { raw: { width: SIZE, height: SIZE, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(root, `class${cls}`, `${i}.jpg`));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

interface RowRun {
  seconds: number;
  images: number;
  streamed: string | null;
  peakMb: number;
  /** `memory` mode: the epoch read after loading. */
  epochSeconds?: number;
  epochImages?: number;
}

/** One row in a fresh process (bench/lib/stream-load.ts): its own peak RSS. */
function runRow(mode: 'streamed' | 'epoch' | 'memory' | 'baseline', work: string, cacheDir: string): RowRun {
  const child = spawnSync(process.execPath, [RUN_TS, STREAM_LOAD, mode, work, cacheDir, String(SIZE), String(BATCH)], { encoding: 'utf8', maxBuffer: 2 ** 26 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) throw new Error(`bench/lib/stream-load.ts ${mode} failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(line) as RowRun;
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const work = mkdtempSync(join(tmpdir(), 'tlc-bench-stream-'));
  const cacheDir = join(work, 'pixel-cache');
  const rows: Record<string, string | number>[] = [];
  const mb = (IMAGES * SIZE * SIZE * 3) / 2 ** 20;
  const row = (name: string, run: RowRun, note: string) =>
    rows.push({ row: name, images: run.images, 'images/s': Math.round(run.images / run.seconds), seconds: Number(run.seconds.toFixed(1)), 'peak RSS MB': run.peakMb, note });
  try {
    const madeAt = performance.now();
    await writeImages(join(work, 'images'));
    const made = (performance.now() - madeAt) / 1000;

    const baseline = runRow('baseline', work, cacheDir);
    const first = runRow('streamed', work, cacheDir);
    row('streamed, first run: decoded into the pixel cache', first, first.streamed ? 'on disk' : 'NOT streamed');
    const read = runRow('epoch', work, cacheDir);
    row('streamed: one epoch read from the cache into tensors', read, `batch ${BATCH}, shuffled, read ahead`);
    const second = runRow('streamed', work, cacheDir);
    row('streamed, second run: the pixel cache reused', second, `${(first.seconds / second.seconds).toFixed(0)}x the first run${/reused/.test(second.streamed ?? '') ? '' : ' (NOT reused)'}`);
    const inMemory = runRow('memory', work, cacheDir);
    row('in memory (default share), for reference', inMemory, inMemory.streamed ? 'streamed (does not fit)' : `${mb.toFixed(0)} MB of pixels held`);
    row('in memory: one epoch into tensors', { ...inMemory, seconds: inMemory.epochSeconds!, images: inMemory.epochImages! }, `the streamed epoch ran at ${((read.images / read.seconds) / (inMemory.epochImages! / inMemory.epochSeconds!)).toFixed(2)}x this speed`);
    rows.push({ row: 'the process before any data (baseline)', images: 0, 'images/s': '', seconds: '', 'peak RSS MB': baseline.peakMb, note: 'tfjs wasm, sharp, onnxruntime loaded' });
    rows.push({ row: '(making the JPEGs: the bench, not tlc)', images: IMAGES, 'images/s': Math.round(IMAGES / made), seconds: Number(made.toFixed(1)), 'peak RSS MB': '', note: `${SIZE}x${SIZE} q90, ${CLASSES} classes` });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return {
    title: `Streaming data larger than memory: ${IMAGES} generated ${SIZE}x${SIZE} JPEGs (${mb.toFixed(0)} MB decoded; ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}); each row a fresh process`,
    rows,
  };
}
