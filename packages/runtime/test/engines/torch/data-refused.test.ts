// What the torch trainer does not reproduce of the data pipeline yet (random crop) is refused
// (TL4326) before any job file is written, never silently left out. Needs no PyTorch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AugmentPlan } from '@tlc/plan';
import { describe, expect, it } from 'vitest';
import { emitTorchJob, RunError, RunLog } from '../../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';

const AUGMENT: AugmentPlan = {
  rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, channelShift: 0, fill: { mode: 'nearest', value: 0 },
  horizontalFlip: true, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed: 1,
};

describe('the torch engine and data settings it does not apply', () => {
  it.each([
    [{ randomCrop: { scale: [0.5, 1], ratio: [0.75, 4 / 3] } }, '`random crop`'],
  ] as const)('refuses %o, writing nothing', async (setting, named) => {
    const base = tempDir('torch-data-refused');
    await writeImageFolder(join(base, 'data'), 2);
    const plan = makePlan({ stages: [stage({ epochs: 1 })] });
    plan.data!.augment = { ...AUGMENT, ...setting } as AugmentPlan;
    const dir = join(base, 'job');
    const error = await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4326');
    expect((error as RunError).message).toContain(named);
    expect(existsSync(join(dir, 'job.json'))).toBe(false);
  });
});
