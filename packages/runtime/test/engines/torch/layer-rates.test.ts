// Discriminative learning rates on the torch engine (PyTorch parameter groups): a run with
// `lr X for block1` and one with fastai's `lr a .. b` under a cosine schedule record, epoch by
// epoch, the losses, accuracies and rates the tfjs runtime records for the same plan (and a run
// at one rate does not: the groups matter at this tolerance), also under DDP; a torch run interrupted after an
// epoch (SIGINT to `tlc run`) and resumed ends with the weights of the uninterrupted one (every
// group's optimizer state restored, in order). SGD with momentum, as ddp.test.ts explains.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LayerLearningRatePlan, StagePlan } from '@tlc/plan';
import { RunLog, runPlan } from '../../../src/index';
import { decodeSafetensors } from '../../../src/engines/torch/safetensors';
import { JOB_FILES } from '../../../src/engines/torch/job';
import { stageDir } from '../../../src/engines/torch/index';
import { layersUntil, makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch } from './torch-env';
import { epochMetrics } from './run-records';

const tlc = fileURLToPath(new URL('../../../../cli/bin/tlc.mjs', import.meta.url));
let baseDir: string;
/** Whole runs with Python starts, on 2 busy cores. */
const TIMEOUT = 300_000;
/** Per-epoch values of the two engines, as metrics.csv keeps them (6 significant digits). */
const TOLERANCE = 1e-4;

beforeAll(async () => {
  baseDir = tempDir('torch-layer-rates');
  await writeImageFolder(join(baseDir, 'data'), 8);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

const SGD = (learningRate: number): StagePlan['optimizer'] => ({ name: 'sgd', learningRate, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null });
const after = (first: string, last: string) => layersUntil(last).slice(layersUntil(first).length);
/** The fixture backbone's blocks (MobileNet: block1 ends at conv_pw_1_relu, block2 at conv_pw_3_relu, block3 at conv_pw_5_relu). */
const BLOCKS = {
  block1: layersUntil('conv_pw_1_relu').slice(1),
  block2: after('conv_pw_1_relu', 'conv_pw_3_relu'),
  block3: after('conv_pw_3_relu', 'conv_pw_5_relu'),
};
const group = (block: keyof typeof BLOCKS, learningRate: number): LayerLearningRatePlan => ({ blocks: [block], layers: BLOCKS[block], learningRate });


function largestDifference(a: number[][], b: number[][]): number {
  expect(a.map((r) => r.length)).toEqual(b.map((r) => r.length));
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]) / Math.max(1, Math.abs(b[i][j])))));
}

async function bothEngines(name: string, stages: StagePlan[], nproc = 1) {
  const plan = makePlan({ stages });
  const quiet = () => new RunLog({ quiet: true });
  const torch = await runPlan(plan, { baseDir, out: join(baseDir, `${name}-torch`), engine: 'torch', nproc, log: quiet() });
  const tfjs = await runPlan(plan, { baseDir, out: join(baseDir, `${name}-tfjs`), log: quiet() });
  return { torch: epochMetrics(torch.runDir, 5), tfjs: epochMetrics(tfjs.runDir, 5), plan };
}

describeTorch('discriminative learning rates on the torch engine', () => {
  it('`lr X for block1`: every epoch\'s loss, accuracy and rate are the tfjs runtime\'s', async () => {
    const stages = [stage({ epochs: 3, batchSize: 4, optimizer: SGD(0.05), layerLearningRates: [group('block1', 0.0005), group('block2', 0.005)] })];
    const { torch, tfjs } = await bothEngines('for-block', stages);
    expect(torch).toHaveLength(3);
    expect(largestDifference(torch, tfjs)).toBeLessThan(TOLERANCE);
    // The same plan at one rate ends elsewhere, by far more than the tolerance.
    const single = await runPlan(makePlan({ stages: [{ ...stages[0], layerLearningRates: [] }] }), { baseDir, out: join(baseDir, 'one-rate'), log: new RunLog({ quiet: true }) });
    expect(largestDifference(epochMetrics(single.runDir, 5), tfjs)).toBeGreaterThan(10 * TOLERANCE);
  }, TIMEOUT);

  it('`lr X for block1` under DDP (2 gloo processes, each half of every batch): the same epochs', async () => {
    const stages = [stage({ epochs: 2, batchSize: 4, optimizer: SGD(0.05), layerLearningRates: [group('block1', 0.0005), group('block2', 0.005)] })];
    const { torch, tfjs } = await bothEngines('ddp', stages, 2);
    expect(largestDifference(torch, tfjs)).toBeLessThan(TOLERANCE);
  }, TIMEOUT);

  it('`lr a .. b` with a cosine schedule: every group\'s rate moves with the stage\'s, as in the tfjs runtime', async () => {
    // `lr 1e-3 .. 5e-2` over block1..block3 and the head: 1e-3, 3.68e-3, 1.357e-2, then the head's 5e-2.
    const spread = [group('block1', 0.001), group('block2', 0.00368403149864), group('block3', 0.0135720880830)];
    const stages = [stage({ epochs: 3, batchSize: 4, optimizer: SGD(0.05), layerLearningRates: spread, schedule: { kind: 'cosine', warmup: { count: 2, unit: 'steps' } } })];
    const { torch, tfjs } = await bothEngines('spread-cosine', stages);
    expect(largestDifference(torch, tfjs)).toBeLessThan(TOLERANCE);
    expect(new Set(torch.map((r) => r[4])).size).toBe(3);
  }, TIMEOUT);

  it('a run interrupted after an epoch (SIGINT) and resumed ends with the weights of the uninterrupted run', async () => {
    const stages = [stage({ epochs: 3, batchSize: 4, optimizer: SGD(0.05), layerLearningRates: [group('block1', 0.0005), group('block3', 0.005)] })];
    writeFileSync(join(baseDir, 'plan.json'), JSON.stringify(makePlan({ stages })));
    const tlcRun = (args: string[]) => spawn(process.execPath, [tlc, 'run', ...args], { cwd: baseDir, stdio: ['ignore', 'pipe', 'pipe'] });
    const whole = join(baseDir, 'whole');
    const finished = spawnSync(process.execPath, [tlc, 'run', 'plan.json', '--engine', 'torch', '--out', whole], { cwd: baseDir, encoding: 'utf8' });
    expect(finished.status, finished.stderr).toBe(0);

    const out = join(baseDir, 'interrupted');
    const child = tlcRun(['plan.json', '--engine', 'torch', '--out', out]);
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        output += d;
        if (/train epoch 1\/3/.test(output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(() => resolve());
    });
    child.kill('SIGINT');
    expect(await exited, output).toBe(130);
    const resumed = spawnSync(process.execPath, [tlc, 'run', '--resume', out], { cwd: baseDir, encoding: 'utf8' });
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming .*after epoch [12]/);

    const a = decodeSafetensors(new Uint8Array(readFileSync(join(stageDir(whole, 0, 'train'), JOB_FILES.trained))));
    const b = decodeSafetensors(new Uint8Array(readFileSync(join(stageDir(out, 0, 'train'), JOB_FILES.trained))));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, t] of a) {
      const other = b.get(name)!.data;
      let worst = 0;
      t.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - other[i]) / Math.max(1, Math.abs(v)))));
      expect(worst, name).toBeLessThanOrEqual(1e-6);
    }
    expect(epochMetrics(out, 5).map((r) => r.slice(0, 4))).toEqual(epochMetrics(whole, 5).map((r) => r.slice(0, 4)));
  }, TIMEOUT);
});
