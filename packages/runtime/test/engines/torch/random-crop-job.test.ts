// `random crop` reaches the torch trainer in the job (--emit): the setting in job.json's augment
// and the training images' source size (the tfjs runtime's randomCropSourceSize), the model's
// size without it. Needs no PyTorch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AugmentPlan } from '@tlc/plan';
import { describe, expect, it } from 'vitest';
import { emitTorchJob, RunLog } from '../../../src/index';
import { JOB_FILES } from '../../../src/engines/torch/job';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';

const AUGMENT: AugmentPlan = {
  rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, channelShift: 0, fill: { mode: 'nearest', value: 0 },
  horizontalFlip: false, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed: 1,
};

describe('the torch job and random crop', () => {
  it.each([
    [{ scale: [0.35, 1], ratio: [3 / 4, 4 / 3] }, [54, 54]],
    [{ scale: [0.08, 1], ratio: [0.5, 2] }, [64, 64]],
    [{ scale: [1, 1], ratio: [1, 1] }, [32, 32]],
    [null, [32, 32]],
  ] as const)('writes random crop %o and the training images\' source size %o', async (randomCrop, source) => {
    const base = tempDir('torch-random-crop-job');
    await writeImageFolder(join(base, 'data'), 2);
    const plan = makePlan({ stages: [stage({ epochs: 1 })] });
    plan.data!.augment = { ...AUGMENT, randomCrop: randomCrop && { scale: [...randomCrop.scale], ratio: [...randomCrop.ratio] } };
    const dir = join(base, 'job');
    await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 });
    const job = JSON.parse(readFileSync(join(dir, JOB_FILES.job), 'utf8')) as { image: number[]; trainingImage: number[]; augment: AugmentPlan };
    expect(job.augment.randomCrop).toEqual(randomCrop);
    expect(job.trainingImage).toEqual(source);
    expect(job.image.slice(0, 2)).toEqual([32, 32]);
  });
});
