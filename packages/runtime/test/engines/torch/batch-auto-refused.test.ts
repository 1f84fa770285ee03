// A torch job folder (--emit) is trained on a machine tlc does not see, so `batch auto` cannot be
// resolved for it: refused (TL4324) before any job file is written. Needs no PyTorch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitTorchJob, RunError, RunLog } from '../../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';

describe('the torch job folder and batch auto', () => {
  it('refuses a stage with batch auto, writing nothing', async () => {
    const base = tempDir('torch-batch-auto');
    await writeImageFolder(join(base, 'data'), 2);
    const plan = makePlan({ stages: [stage({ epochs: 1, batchSize: 'auto' })] });
    const dir = join(base, 'job');
    const error = await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4324');
    expect((error as RunError).message).toContain('stage train');
    expect(existsSync(join(dir, 'job.json'))).toBe(false);
  });
});
