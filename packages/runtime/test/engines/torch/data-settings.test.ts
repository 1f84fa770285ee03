// The data settings the torch trainer reproduces reach it in the job: `resize crop|pad`, mixup and
// cutmix are written into job.json (random crop: random-crop-job.test.ts). Needs no PyTorch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AugmentPlan } from '@tlc/plan';
import { describe, expect, it } from 'vitest';
import { emitTorchJob, RunLog } from '../../../src/index';
import { JOB_FILES } from '../../../src/engines/torch/job';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { flipsOnly } from './run-records';

const AUGMENT: AugmentPlan = flipsOnly(1);

describe('the torch engine and the data settings it applies', () => {
  it.each([
    [{ mixup: 0.2 }],
    [{ cutmix: 1 }],
    [{ resize: 'crop' }],
    [{ resize: 'pad' }],
  ] as const)('writes %o into the job', async (setting) => {
    const base = tempDir('torch-data-settings');
    await writeImageFolder(join(base, 'data'), 2);
    const plan = makePlan({ stages: [stage({ epochs: 1 })] });
    if ('resize' in setting) plan.data!.resize = setting.resize;
    else plan.data!.augment = { ...AUGMENT, ...setting };
    const dir = join(base, 'job');
    await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 });
    const job = JSON.parse(readFileSync(join(dir, JOB_FILES.job), 'utf8')) as { resize: string; augment: AugmentPlan | null };
    expect(job.resize).toBe('resize' in setting ? setting.resize : 'stretch');
    if (!('resize' in setting)) expect(job.augment).toEqual({ ...AUGMENT, ...setting });
  });
});
