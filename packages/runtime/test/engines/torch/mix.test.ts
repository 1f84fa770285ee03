// mixup and cutmix in the torch trainer: the same batch is mixed the same way on both engines (the
// same seeded choice, λ, partners and box as augment/mix.ts), and a tiny run trained by PyTorch
// records, epoch by epoch, the losses and accuracies a tfjs run of the same plan records (mixup,
// cutmix, both; within 1e-4, measured 2e-5), 2 gloo processes record what 1 records (each mixes its
// share of the global batch), and a torch run with mixup interrupted and resumed equals an
// uninterrupted one.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AugmentPlan, Plan } from '@tlc/plan';
import { RunLog, runPlan } from '../../../src/index';
import { drawMix } from '../../../src/augment/mix';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch, runPython } from './torch-env';
import { epochMetrics, flipsOnly, trainedByOneAndTwo } from './run-records';

const tlc = fileURLToPath(new URL('../../../../cli/bin/tlc.mjs', import.meta.url));
let baseDir: string;
/** Whole runs with Python starts, on 2 busy cores. */
const TIMEOUT = 300_000;

const AUGMENT: AugmentPlan = flipsOnly(3);

beforeAll(async () => {
  baseDir = tempDir('torch-mix');
  await writeImageFolder(join(baseDir, 'data'), 8);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

function mixPlan(mix: Partial<AugmentPlan>): Plan {
  const plan = makePlan({
    stages: [stage({
      epochs: 2, batchSize: 4, batchNormInference: false, classWeights: { mode: 'balanced' }, labelSmoothing: 0.1,
      optimizer: { name: 'sgd', learningRate: 0.02, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null },
    })],
  });
  plan.data!.augment = { ...AUGMENT, ...mix };
  return plan;
}


describeTorch('mixup and cutmix in the torch trainer', () => {
  it('draws the tfjs runtime\'s mix for every batch: the same kind, λ, partners and box', () => {
    const cases: [number, number, number, number, number][] = [];
    for (let epoch = 0; epoch <= 3; epoch++) for (let batch = 1; batch <= 6; batch++) cases.push([epoch, batch, 1 + ((epoch * 7 + batch) % 9), 13 + batch, 17 + epoch]);
    const mixes = [{ mixup: 0.2 }, { cutmix: 1 }, { mixup: 0.4, cutmix: 1.5 }, { mixup: 3 }];
    const file = join(baseDir, 'draws.json');
    writeFileSync(file, JSON.stringify(mixes.map((mix) => ({ plan: { ...AUGMENT, ...mix }, cases }))));
    const draws = JSON.parse(runPython('mix', [file])) as { kind: string; lambda: number; partners: number[]; box: number[] | null }[][];
    mixes.forEach((mix, m) => {
      const torch = draws[m];
      cases.forEach(([epoch, batch, size, height, width], i) => {
        const want = drawMix({ ...AUGMENT, ...mix }, epoch, batch, size, { height, width, channels: 1 })!;
        const got = torch[i];
        expect(got.kind, `${JSON.stringify(mix)} case ${i}`).toBe(want.kind);
        expect(Math.abs(got.lambda - want.lambda), `${JSON.stringify(mix)} case ${i}`).toBeLessThan(1e-12);
        expect(got.partners).toEqual(Array.from(want.partners));
        expect(got.box).toEqual(want.box ? [want.box.top, want.box.bottom, want.box.left, want.box.right] : null);
      });
      if ('cutmix' in mix && 'mixup' in mix) expect(new Set(torch.map((d) => d.kind)).size).toBe(2);
    });
  });

  for (const [name, mix] of [['mixup', { mixup: 0.4 }], ['cutmix', { cutmix: 1 }], ['mixup and cutmix', { mixup: 0.4, cutmix: 1 }]] as const) {
    it(`a run with ${name} records the tfjs run's losses and accuracies, epoch by epoch`, async () => {
      const plan = mixPlan(mix);
      const log = () => new RunLog({ quiet: true });
      const torch = await runPlan(plan, { baseDir, out: join(baseDir, `torch-${name}`), engine: 'torch', nproc: 1, log: log() });
      const tfjs = await runPlan(plan, { baseDir, out: join(baseDir, `tfjs-${name}`), log: log() });
      const [a, b] = [epochMetrics(torch.runDir), epochMetrics(tfjs.runDir)];
      expect(a).toHaveLength(2);
      a.forEach((row, epoch) => row.forEach((v, k) => expect(Math.abs(v - b[epoch][k]), `epoch ${epoch + 1} column ${k}: torch ${v}, tfjs ${b[epoch][k]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[epoch][k])))));
    }, TIMEOUT);
  }

  it('2 gloo processes mix each global batch as 1 process does (mixup and cutmix, a batch split 3 + 2)', async () => {
    const { one: b, two: a } = await trainedByOneAndTwo(mixPlan({ mixup: 0.4, cutmix: 1 }), baseDir);
    expect(a).toHaveLength(2);
    a.forEach((row, epoch) => row.forEach((v, k) => expect(Math.abs(v - b[epoch][k]), `epoch ${epoch + 1} column ${k}: 2 processes ${v}, 1 process ${b[epoch][k]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[epoch][k])))));
  }, TIMEOUT);

  it('a torch run with mixup interrupted after an epoch (SIGINT) and resumed records the uninterrupted run\'s epochs', async () => {
    const plan = mixPlan({ mixup: 0.4 });
    plan.stages[0].epochs = 3;
    writeFileSync(join(baseDir, 'mixup.json'), JSON.stringify(plan));
    const whole = await runPlan(plan, { baseDir, out: join(baseDir, 'whole'), engine: 'torch', nproc: 1, log: new RunLog({ quiet: true }) });
    const out = join(baseDir, 'interrupted');
    const child = spawn(process.execPath, [tlc, 'run', 'mixup.json', '--engine', 'torch', '--out', out], { cwd: baseDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const onData = (d: Buffer) => {
      output += d;
      if (/train epoch 1\/3/.test(output)) child.kill('SIGINT');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    expect(await exited, output).toBe(130);
    const done = epochMetrics(out).length;
    expect(done, output).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(3);
    const resumed = spawnSync(process.execPath, [tlc, 'run', '--resume', out], { cwd: baseDir, encoding: 'utf8' });
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    const [a, b] = [epochMetrics(out), epochMetrics(whole.runDir)];
    expect(a).toHaveLength(3);
    a.forEach((row, epoch) => row.forEach((v, k) => expect(Math.abs(v - b[epoch][k]), `epoch ${epoch + 1} column ${k}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[epoch][k])))));
  }, TIMEOUT);
});
