// Benchmark: what ImageNet weights buy the README's main job. Runs examples/fashion.tl (ImageNet
// MobileNet 0.25: a frozen feature-extractor stage, then fine-tuning) and examples/fashion-scratch.tl
// (the same pipeline with `weights none`, every layer trained for the same number of epochs) as
// shipped, once per seed (the data statement's seed: validation split, shuffling, augmentation,
// initial head weights), and prints their test accuracies side by side. Runs take minutes (the
// from-scratch one trains the whole network); `TLC_BENCH_SEEDS=1,2` picks the seeds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '@tlc/language';
import { RunLog, runPlan } from '@tlc/runtime';
import { EXAMPLES_DIR } from './lib/fashion-plan';

const SEEDS = (process.env.TLC_BENCH_SEEDS ?? '42,1,2').split(',').map(Number);
const PIPELINES = { imagenet: 'fashion.tl', scratch: 'fashion-scratch.tl' } as const;

/** Test accuracy and wall seconds of one example run with its data seed replaced; nothing exported. */
async function accuracy(name: string, seed: number): Promise<{ accuracy: number; seconds: number }> {
  const file = join(EXAMPLES_DIR, name);
  const source = readFileSync(file, 'utf8').replace(/validation 20% seed \d+/, `validation 20% seed ${seed}`);
  const { plan } = compile(source, { file });
  if (!plan) throw new Error(`${name} does not compile`);
  const out = mkdtempSync(join(tmpdir(), 'tlc-bench-transfer-'));
  try {
    const summary = await runPlan(
      { ...plan, export: null, predict: null },
      { baseDir: EXAMPLES_DIR, out: join(out, 'run'), backend: 'wasm', trunk: 'auto', log: new RunLog({ quiet: true }) },
    );
    return { accuracy: summary.evaluation!.accuracy, seconds: summary.seconds };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const rows: Record<string, string | number>[] = [];
  for (const seed of SEEDS) {
    const imagenet = await accuracy(PIPELINES.imagenet, seed);
    const scratch = await accuracy(PIPELINES.scratch, seed);
    rows.push({
      seed,
      'fashion.tl (imagenet)': percent(imagenet.accuracy),
      'fashion-scratch.tl (none)': percent(scratch.accuracy),
      margin: `${((imagenet.accuracy - scratch.accuracy) * 100).toFixed(1)} points`,
      'imagenet s': Math.round(imagenet.seconds),
      'scratch s': Math.round(scratch.seconds),
    });
  }
  return { title: 'The main job against its baseline: test accuracy on data/fashion/test (120 images) per data seed', rows };
}
