// What the torch engine's equivalence tests read of a run and feed to one: metrics.csv's numbers
// by epoch, and an augmentation that only flips (each test adds the setting it is about).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AugmentPlan, Plan } from '@tlc/plan';
import { RunLog, runPlan } from '../../../src/index';

/** metrics.csv by epoch: loss, accuracy, val_loss, val_accuracy (and lr with `columns` 5). */
export function epochMetrics(runDir: string, columns: 4 | 5 = 4): number[][] {
  return readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(',').slice(2, 2 + columns).map(Number));
}

/** Horizontal flips and nothing else, seeded. */
export function flipsOnly(seed: number): AugmentPlan {
  return {
    rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, channelShift: 0, fill: { mode: 'nearest', value: 0 },
    horizontalFlip: true, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed,
  };
}

/**
 * `plan` trained by the torch engine in 1 process and in 2 (gloo) with a batch of 5, which the
 * 2 split 3 + 2: each run's epochMetrics.
 */
export async function trainedByOneAndTwo(plan: Plan, baseDir: string): Promise<{ one: number[][]; two: number[][] }> {
  plan.stages[0].batchSize = 5;
  const log = () => new RunLog({ quiet: true });
  const one = await runPlan(plan, { baseDir, out: join(baseDir, 'ddp-1'), engine: 'torch', nproc: 1, log: log() });
  const two = await runPlan(plan, { baseDir, out: join(baseDir, 'ddp-2'), engine: 'torch', nproc: 2, log: log() });
  return { one: epochMetrics(one.runDir), two: epochMetrics(two.runDir) };
}
