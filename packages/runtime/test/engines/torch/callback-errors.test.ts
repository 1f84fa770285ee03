// An error in what the run does with the torch trainer's events (a disk error writing an epoch's
// checkpoints, a run log that throws) fails runPlan with its coded error, as on the tfjs engine:
// the trainer is stopped first (no Python process is left working in the run folder), nothing
// escapes as an unhandled rejection, and the run folder still holds the last complete epoch.
import { mkdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BatchProgress, EpochRecord } from '../../../src/engine/engine';
import { RunError, RunLog, runPlan } from '../../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch } from './torch-env';

/** Whole runs with Python starts, on 2 busy cores. */
const TIMEOUT = 300_000;
let baseDir: string;

beforeAll(async () => {
  baseDir = tempDir('torch-callback-errors');
  await writeImageFolder(join(baseDir, 'data'), 4);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

/** Pids of trainer processes working in a job folder under `out`. */
function trainerProcesses(out: string): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes('tlc_torch.trainer')).map((l) => Number(l.trim().split(/\s+/)[0])).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(out);
    } catch {
      return false;
    }
  });
}

/** A quiet log that runs `onEpoch` / `onBatch` as the run reports them. */
class HookedLog extends RunLog {
  constructor(private readonly hooks: { onEpoch?: (r: EpochRecord) => void; onBatch?: (p: BatchProgress) => void }) {
    super({ quiet: true });
  }
  override epoch(record: EpochRecord, epochs: number, showLr?: boolean): void {
    super.epoch(record, epochs, showLr);
    this.hooks.onEpoch?.(record);
  }
  override batch(p: BatchProgress): void {
    super.batch(p);
    this.hooks.onBatch?.(p);
  }
}

const plan = () => makePlan({ stages: [stage({ epochs: 4, batchSize: 4 })] });

describeTorch('an error in the run while the torch trainer runs', () => {
  // With 2 processes the launcher (torch.distributed.run) is stopped and stops its workers.
  it.each([1, 2])('a checkpoint write failing after epoch 1 fails the run with TL4208, stops the trainer (%i processes), keeps epoch 1', async (nproc) => {
    const out = join(baseDir, `disk-${nproc}`);
    // After epoch 1 is saved, metrics.csv becomes a folder: epoch 2's save cannot replace it (EISDIR).
    const log = new HookedLog({
      onEpoch: (r) => {
        if (r.epoch !== 1) return;
        rmSync(join(out, 'metrics.csv'));
        mkdirSync(join(out, 'metrics.csv', 'in-the-way'), { recursive: true });
      },
    });
    const error = await runPlan(plan(), { baseDir, out, engine: 'torch', nproc, log }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4208');
    expect((error as RunError).message).toContain(join(out, 'metrics.csv'));
    expect((error as RunError).help).toContain(`tlc run --resume ${out}`);
    expect(trainerProcesses(out)).toEqual([]);
    // The run folder describes epoch 1, whole: a resume continues from there.
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
    expect(state.stage.completedEpochs).toBe(1);
    expect(state.records.map((r: EpochRecord) => r.epoch)).toEqual([1]);
  }, TIMEOUT);

  it('a progress handler that throws fails the run with its own error and stops the trainer', async () => {
    const out = join(baseDir, 'batch');
    const log = new HookedLog({
      onBatch: (p) => {
        if (p.epoch === 2) throw new RunError({ code: 'TL4209', message: 'the progress bar broke' });
      },
    });
    const error = await runPlan(plan(), { baseDir, out, engine: 'torch', nproc: 1, log }).then(() => null, (e: unknown) => e);
    expect((error as RunError).message).toBe('the progress bar broke');
    expect(trainerProcesses(out)).toEqual([]);
    expect(JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')).stage.completedEpochs).toBe(1);
  }, TIMEOUT);
});
