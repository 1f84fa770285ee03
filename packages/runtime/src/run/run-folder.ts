// The run folder: `runs/<pipeline>/<timestamp>/` under the plan's folder (or --out DIR), and the
// names of what goes in it. A run never writes into a folder that holds anything: not a finished
// run, not an interrupted one (that one is continued with --resume), not the user's files.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RunError, runtimeMessages } from '../messages';

export const RUN_FILES = {
  plan: 'plan.json',
  /** `batch auto`: the batch size the run chose, on which backend, and why. */
  batch: 'batch.json',
  metrics: 'metrics.csv',
  evaluation: 'evaluation.json',
  report: 'report.html',
  predictions: 'predictions.json',
  state: 'state.json',
  /** The process training in the folder now (run/run-lock.ts); gone once it stops. */
  lock: 'lock.json',
  model: 'model',
  checkpoints: 'checkpoints',
  features: 'features',
  best: join('checkpoints', 'best'),
  last: join('checkpoints', 'last'),
  /** A stage's frozen weights, written once, named by their bytes' SHA-256; best and last name them. */
  frozen: join('checkpoints', 'frozen'),
  /** The optimizer's state after the last completed epoch (see train/optimizer-state.ts). */
  optimizer: join('checkpoints', 'optimizer.bin'),
  /**
   * An epoch's save before it is committed (run/epoch-commit.ts): its files staged beside the
   * committed ones, then commit.json (the next state.json), whose atomic write is the commit.
   */
  pending: {
    last: join('checkpoints', 'last-next'),
    best: join('checkpoints', 'best-next'),
    optimizer: join('checkpoints', 'optimizer-next.bin'),
    metrics: join('checkpoints', 'metrics-next.csv'),
    commit: join('checkpoints', 'commit.json'),
  },
} as const;

/** `2026-11-29T10-50-28` (local-time-free, sortable, safe in file names). */
export function timestamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'pipeline';
}

/**
 * TL4206 unless `out` is free for a new run: absent, or an empty folder. Says what the folder holds
 * (a finished run, an interrupted one, other files) and what to do instead.
 */
export function assertRunDirFree(out: string, defaultFolder = 'runs/<pipeline>/<time>/'): void {
  const dir = resolve(out);
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new RunError(runtimeMessages.runFolderIsAFile(dir));
  }
  if (readdirSync(dir).length === 0) return;
  const has = (name: string) => existsSync(join(dir, name));
  const what = has(join(RUN_FILES.model, 'model.json'))
    ? 'holds a finished run'
    : has(RUN_FILES.state)
      ? `holds an interrupted run (continue it with \`tlc run --resume ${dir}\`)`
      : has(RUN_FILES.plan)
        ? 'holds a run that stopped before its first epoch completed'
        : 'is not empty';
  throw new RunError(runtimeMessages.runFolderNotFree(dir, what, defaultFolder));
}

/** Creates the run folder: `out` when given (absent or empty, else TL4206), else `<baseDir>/runs/<pipeline>/<timestamp>`. */
export function createRunDir(pipeline: string, baseDir: string, out?: string): string {
  if (out) {
    const dir = resolve(out);
    assertRunDirFree(dir);
    if (!claim(dir)) throw new RunError(runtimeMessages.runFolderTaken(dir));
    return dir;
  }
  const parent = join(baseDir, 'runs', safeName(pipeline));
  // Two runs in the same second get distinct folders.
  const stamp = timestamp();
  for (let n = 1; ; n++) {
    const dir = join(parent, n === 1 ? stamp : `${stamp}-${n}`);
    if (!existsSync(dir) && claim(dir)) return dir;
  }
}

/**
 * Makes `dir` (if needed) and then `dir/checkpoints` without `recursive`: of two runs starting in
 * the same folder at the same moment exactly one gets true.
 */
function claim(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    mkdirSync(join(dir, RUN_FILES.checkpoints));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
