// A run folder that cannot be written mid-run (here metrics.csv replaced by a folder after epoch
// 1, as a disk that fills up or a folder made read-only would fail the save) fails the run with
// TL4208 naming the file and how to resume, and leaves the folder describing epoch 1, whole;
// `tlc run --resume` then continues from there once the way is clear. (The torch engine's case,
// where a trainer process must also be stopped: engines/torch/callback-errors.test.ts.)
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EpochRecord } from '../../src/engine/engine';
import { RunError, RunLog, runPlan } from '../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from './fixtures';

let baseDir: string;

beforeAll(async () => {
  baseDir = tempDir('epoch-write-error');
  await writeImageFolder(join(baseDir, 'data'), 4);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

class SabotagingLog extends RunLog {
  constructor(private readonly runDir: string) {
    super({ quiet: true });
  }
  override epoch(record: EpochRecord, epochs: number, showLr?: boolean): void {
    super.epoch(record, epochs, showLr);
    if (record.epoch !== 1) return;
    rmSync(join(this.runDir, 'metrics.csv'));
    mkdirSync(join(this.runDir, 'metrics.csv', 'in-the-way'), { recursive: true });
  }
}

it('an epoch whose save fails ends the run with TL4208; the folder resumes after the last whole epoch', async () => {
  const out = join(baseDir, 'run');
  const plan = makePlan({ stages: [stage({ epochs: 3, batchSize: 4 })] });
  const error = await runPlan(plan, { baseDir, out, log: new SabotagingLog(out) }).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(RunError);
  expect((error as RunError).code).toBe('TL4208');
  expect((error as RunError).message).toBe(`cannot write ${join(out, 'metrics.csv')} in the run folder: a folder is in the way`);
  expect((error as RunError).help).toContain(`tlc run --resume ${out}`);
  const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8'));
  expect(state.stage.completedEpochs).toBe(1);

  rmSync(join(out, 'metrics.csv'), { recursive: true });
  const resumed = await runPlan(plan, { baseDir, resume: out, log: new RunLog({ quiet: true }) });
  expect(resumed.runDir).toBe(out);
  const rows = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').slice(1);
  expect(rows.map((r) => r.split(',')[1])).toEqual(['1', '2', '3']);
});
