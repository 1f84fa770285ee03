// The torch trainer applies the plan's learning-rate schedules as the tfjs runtime does: the rate
// of every step of every schedule equals train/schedule.ts's (plateau fed the same monitored
// values), and a job trained by PyTorch records, epoch by epoch, the rates a tfjs run of the same
// plan records in metrics.csv (plateau: the rates Keras's rule gives for the losses PyTorch saw).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SchedulePlan, StagePlan } from '@tlc/plan';
import { emitTorchJob, RunLog, runPlan } from '../../../src/index';
import { JOB_FILES } from '../../../src/engines/torch/job';
import { Plateau, scheduledRate } from '../../../src/train/schedule';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch, runPython, torchPython } from './torch-env';

let baseDir: string;
const TIMEOUT = 300_000;
const PLATEAU: SchedulePlan = { kind: 'plateau', monitor: 'loss', factor: 0.5, patience: 1, minDelta: 0, cooldown: 1, minLearningRate: 1e-4 };
const SCHEDULES: SchedulePlan[] = [
  { kind: 'cosine', warmup: { count: 1, unit: 'epochs' } },
  { kind: 'cosine', warmup: { count: 5, unit: 'steps' } },
  { kind: 'one-cycle', startLearningRate: 0.0004, maxLearningRate: 0.01 },
  { kind: 'step', everyEpochs: 2, factor: 0.1 },
  PLATEAU,
];

beforeAll(async () => {
  baseDir = tempDir('torch-schedule');
  await writeImageFolder(join(baseDir, 'data'), 8);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

/** Equal rates (metrics.csv keeps 6 significant digits: `relative` 1e-5 there). */
const close = (a: number[], b: number[], relative = 1e-9) => {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]), `step ${i + 1}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(1e-12 + relative * Math.abs(b[i])));
};

describeTorch('learning-rate schedules in the torch trainer', () => {
  it('every step\'s rate equals the tfjs runtime\'s, for every schedule', () => {
    const epochs = 7;
    const stepsPerEpoch = 3;
    const values = [1, 0.9, 0.95, 0.97, 0.8, 0.85, 0.86];
    const cases = SCHEDULES.map((schedule) => ({ schedule, base: 0.01, epochs, stepsPerEpoch, values }));
    const file = join(baseDir, 'cases.json');
    writeFileSync(file, JSON.stringify(cases));
    const torch = JSON.parse(runPython('schedule', [file])) as number[][];
    cases.forEach((c, i) => {
      const plateau = c.schedule.kind === 'plateau' ? new Plateau(c.schedule, c.base) : null;
      const rates: number[] = [];
      for (let epoch = 1; epoch <= epochs; epoch++) {
        for (let step = 1; step <= stepsPerEpoch; step++) rates.push(scheduledRate(c.schedule, plateau?.lr ?? c.base, { epochs, stepsPerEpoch }, epoch, step));
        plateau?.update(values[epoch - 1]);
      }
      close(torch[i], rates);
    });
    // The plateau case does reduce (three times, after epochs 3, 4 and 6), so the comparison means something.
    expect(new Set(torch[4]).size).toBe(4);
  });

  for (const [name, schedules] of [['cosine and plateau', [SCHEDULES[0], PLATEAU]], ['one cycle and step', [SCHEDULES[2], SCHEDULES[3]]]] as const) {
    it(`a trained job records the tfjs run's rate for each epoch (${name})`, async () => {
      const stages: StagePlan[] = [
        stage({ epochs: 4, batchSize: 4, schedule: schedules[0] }),
        stage({ name: 'fine-tune', epochs: 4, batchSize: 4, schedule: schedules[1] }),
      ];
      const plan = makePlan({ stages });
      const dir = join(baseDir, `job-${schedules[0].kind}`);
      await emitTorchJob(plan, { baseDir, nproc: 1, device: 'cpu', dir, log: new RunLog({ quiet: true }) });
      const launched = spawnSync(join(dir, JOB_FILES.launch), ['1'], { encoding: 'utf8', env: { ...process.env, PYTHON: torchPython!.python, OMP_NUM_THREADS: '1' } });
      expect(launched.status, launched.stderr).toBe(0);
      const torch = readFileSync(join(dir, JOB_FILES.epochs), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { record: { stage: string; lr: number; loss: number } }).record);
      expect(torch).toHaveLength(8);

      const tfjs = await runPlan(plan, { baseDir, out: join(baseDir, `run-${schedules[0].kind}`), log: new RunLog({ quiet: true }) });
      const rows = readFileSync(join(tfjs.runDir, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      stages.forEach((s) => {
        const own = torch.filter((r) => r.stage === s.name);
        let expected = rows.filter((r) => r[0] === s.name).map((r) => Number(r[6]));
        if (s.schedule.kind === 'plateau') {
          // The rule's rates for the losses PyTorch saw (tfjs saw slightly different ones).
          const plateau = new Plateau(s.schedule, s.optimizer.learningRate);
          expected = own.map((r) => {
            const lr = plateau.lr;
            plateau.update(r.loss);
            return lr;
          });
        }
        close(own.map((r) => r.lr), expected, s.schedule.kind === 'plateau' ? 1e-9 : 1e-5);
      });
      // Every schedule here moves the rate from epoch to epoch.
      expect(new Set(torch.filter((r) => r.stage === 'train').map((r) => r.lr)).size).toBeGreaterThan(1);
    }, TIMEOUT);
  }
});
