// Benchmark: the torch trainer against tfjs on wasm, training every layer (the factor of the
// one-time note, engines/torch/hint.ts TORCH_OVER_WASM, and docs/scaling.md's table). MobileNetV2
// alpha 0.35 at 96x96 grayscale, random weights, on 60 images per class of the Fashion subset
// (48 validation images), batch 32, Adam, 2 epochs; images/s of epoch 2 (validation and the
// BatchNormalization recalibration included). The torch side is a job `--emit` wrote, run by its
// launch.sh with 1 process and OMP_NUM_THREADS=1 (threads waiting on each other on a loaded
// machine would measure the load, not the engine); the tfjs side is `tlc run --backend wasm`.
// Alternated, TLC_BENCH_RUNS rounds (default 2). Without PyTorch the title says so.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { torchAvailable, findTorchPython } from '../packages/runtime/src/engines/torch/python';
import { EXAMPLES_DIR } from './lib/fashion-plan';
import type { BenchResult } from './run';

const TLC = fileURLToPath(new URL('../packages/cli/bin/tlc.mjs', import.meta.url));
const RUNS = Math.max(1, Number(process.env.TLC_BENCH_RUNS ?? 2));
const PER_CLASS = 60;

const PIPELINE = `pipeline "torch-vs-wasm"
data "data" {
  image 96x96 grayscale
  validation 20% seed 42
  batch 32
}
use MobileNetV2 alpha 0.35 weights none freeze none
preprocess native
head dense 4
train {
  epochs 2
  optimizer adam lr 1e-3
}
`;

export default async function torchVsWasm(): Promise<BenchResult> {
  const title = 'torch trainer (1 process, 1 thread) vs tfjs wasm, every layer of MobileNetV2 0.35 96x96 training: images/s of epoch 2';
  if (!torchAvailable()) return { title: `${title} (skipped: no Python with PyTorch)`, rows: [] };
  const dir = mkdtempSync(join(tmpdir(), 'tlc-bench-torch-'));
  try {
    const source = join(EXAMPLES_DIR, 'data/fashion/train');
    for (const cls of readdirSync(source)) {
      mkdirSync(join(dir, 'data', cls), { recursive: true });
      for (const file of readdirSync(join(source, cls)).sort().slice(0, PER_CLASS)) copyFileSync(join(source, cls, file), join(dir, 'data', cls, file));
    }
    writeFileSync(join(dir, 'pipeline.tl'), PIPELINE);
    const emitted = spawnSync(process.execPath, [TLC, 'run', 'pipeline.tl', '--engine', 'torch', '--emit', 'job', '--quiet'], { cwd: dir, encoding: 'utf8' });
    if (emitted.status !== 0) throw new Error(`--emit failed: ${emitted.stderr}`);
    const rows: BenchResult['rows'] = [];
    for (let round = 1; round <= RUNS; round++) {
      const load = loadavg()[0];
      const job = join(dir, `job-${round}`);
      cpSync(join(dir, 'job'), job, { recursive: true });
      const trained = spawnSync(join(job, 'launch.sh'), ['1'], { encoding: 'utf8', env: { ...process.env, PYTHON: findTorchPython().python, OMP_NUM_THREADS: '1' } });
      if (trained.status !== 0) throw new Error(`launch.sh failed: ${trained.stderr}`);
      const last = readFileSync(join(job, 'epochs.jsonl'), 'utf8').trim().split('\n').pop()!;
      const torch = (JSON.parse(last) as { record: { imagesPerSecond: number } }).record.imagesPerSecond;
      const out = join(dir, `run-${round}`);
      const ran = spawnSync(process.execPath, [TLC, 'run', 'pipeline.tl', '--backend', 'wasm', '--out', out, '--quiet'], { cwd: dir, encoding: 'utf8' });
      if (ran.status !== 0) throw new Error(`wasm run failed: ${ran.stderr}`);
      const wasm = Number(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').pop()!.split(',')[8]);
      rows.push({ round, 'load before': load.toFixed(1), 'torch images/s': torch, 'wasm images/s': wasm, ratio: torch / wasm });
    }
    const ratios = rows.map((r) => r.ratio as number).sort((a, b) => a - b);
    rows.push({ round: 'median', ratio: ratios[Math.floor((ratios.length - 1) / 2)] });
    return { title, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
