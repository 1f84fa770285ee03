// The run folder: `runs/<pipeline>/<timestamp>/` under the plan's folder (or --out DIR), and the
// names of what goes in it.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const RUN_FILES = {
  plan: 'plan.json',
  metrics: 'metrics.csv',
  evaluation: 'evaluation.json',
  report: 'report.html',
  predictions: 'predictions.json',
  state: 'state.json',
  model: 'model',
  checkpoints: 'checkpoints',
  features: 'features',
  best: join('checkpoints', 'best'),
  last: join('checkpoints', 'last'),
  /** The optimizer's state after the last completed epoch (see train/optimizer-state.ts). */
  optimizer: join('checkpoints', 'optimizer.bin'),
} as const;

/** `2026-11-29T10-50-28` (local-time-free, sortable, safe in file names). */
export function timestamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'pipeline';
}

/** Creates the run folder: `out` when given, else `<baseDir>/runs/<pipeline>/<timestamp>`. */
export function createRunDir(pipeline: string, baseDir: string, out?: string): string {
  let dir = out ? resolve(out) : join(baseDir, 'runs', safeName(pipeline), timestamp());
  if (!out) {
    // Two runs in the same second get distinct folders.
    for (let n = 2; existsSync(dir); n++) dir = join(baseDir, 'runs', safeName(pipeline), `${timestamp()}-${n}`);
  }
  mkdirSync(join(dir, RUN_FILES.checkpoints), { recursive: true });
  return dir;
}

