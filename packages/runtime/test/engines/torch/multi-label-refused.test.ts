// The torch trainer reads one integer label per image: a multi-label head (a sigmoid over several
// classes) is refused (TL4327) before any job file is written, never trained as a single-label
// model. Needs no PyTorch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emitTorchJob, RunError, RunLog } from '../../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';

let base: string;
beforeAll(async () => {
  base = tempDir('torch-multi-label');
  await writeImageFolder(join(base, 'data'), 4);
});

describe('the torch engine and multi-label heads', () => {
  it('refuses a sigmoid head over several classes, writing nothing', async () => {
    const plan = makePlan({ stages: [stage({ epochs: 1, loss: 'binary_crossentropy', checkpoint: { monitor: 'val_loss', mode: 'min' } })] });
    plan.head = { ...plan.head, layers: [plan.head.layers[0]!, { type: 'dense', units: 2, activation: 'sigmoid', name: 'head_output' }], outputActivation: 'sigmoid' };
    const dir = join(base, 'job');
    const error = await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4327');
    expect((error as RunError).message).toContain('a sigmoid over 2 classes');
    expect(existsSync(join(dir, 'job.json'))).toBe(false);
  });
});
