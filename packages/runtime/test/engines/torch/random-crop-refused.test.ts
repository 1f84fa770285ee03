// `random crop` is not reproduced by the torch trainer yet: refused (TL4326) before any job file
// is written, never silently trained without it. Needs no PyTorch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitTorchJob, RunError, RunLog } from '../../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';

describe('the torch engine and random crop', () => {
  it('refuses `random crop`, writing nothing', async () => {
    const base = tempDir('torch-random-crop');
    await writeImageFolder(join(base, 'data'), 2);
    const plan = makePlan({ stages: [stage({ epochs: 1 })] });
    plan.data!.augment = {
      rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, channelShift: 0, fill: { mode: 'nearest', value: 0 },
      horizontalFlip: false, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0,
      randomCrop: { scale: [0.35, 1], ratio: [3 / 4, 4 / 3] }, seed: 1,
    };
    const dir = join(base, 'job');
    const error = await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4326');
    expect((error as RunError).message).toContain('`random crop`');
    expect(existsSync(join(dir, 'job.json'))).toBe(false);
  });
});
