// The torch trainer does not apply learning-rate schedules yet: a plan with one is refused
// (TL4323) before any job file is written, never trained at a constant rate. Needs no PyTorch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emitTorchJob, RunError, RunLog } from '../../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';

let base: string;
beforeAll(async () => {
  base = tempDir('torch-schedule');
  await writeImageFolder(join(base, 'data'), 4);
});

describe('the torch engine and schedules', () => {
  it('refuses a plan whose stage has a schedule, writing nothing', async () => {
    const plan = makePlan({ stages: [stage({ epochs: 2, schedule: { kind: 'cosine', warmup: { count: 1, unit: 'epochs' } } })] });
    const dir = join(base, 'job');
    const error = await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4323');
    expect((error as RunError).message).toContain('stage train: cosine');
    expect(existsSync(join(dir, 'job.json'))).toBe(false);
  });
});
