// The emitted-job path with a multi-label head and discriminative rates: `tlc run --engine torch
// --emit` writes each image's labels and the stage's `lr X for block1` into the job, launch.sh
// trains it (1 process), and `tlc import-run` makes a run folder whose evaluation.json has the
// multi-label fields, with the values of the same plan trained by `tlc run --engine torch`
// directly (the same trainer, the same seeds). Tiny: the shipped tags data at 32 px, MobileNet
// alpha 0.25 cut after block3, 1 epoch.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Plan } from '@tlc/plan';
import { layersUntil, makePlan, stage, tempDir } from '../../run/fixtures';
import { describeTorch, torchPython } from './torch-env';

const tlc = fileURLToPath(new URL('../../../../cli/bin/tlc.mjs', import.meta.url));
const DATA = fileURLToPath(new URL('../../../../../examples/data/fashion/test', import.meta.url));
const TAGS = ['accessory', 'clothing', 'footwear', 'legwear', 'top'];
const TIMEOUT = 300_000;
let baseDir: string;

function multiLabelPlan(): Plan {
  const plan = makePlan({
    units: 5,
    stages: [stage({
      epochs: 1, batchSize: 16, loss: 'binary_crossentropy',
      optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null },
      layerLearningRates: [{ blocks: ['block1'], layers: layersUntil('conv_pw_1_relu').slice(1), learningRate: 0.005 }],
    })],
  });
  plan.head.layers[1] = { ...plan.head.layers[1]!, activation: 'sigmoid' } as Plan['head']['layers'][number];
  plan.head.outputActivation = 'sigmoid';
  plan.data = { ...plan.data!, directory: DATA, labels: { path: 'tags.csv', fileColumn: 0, labelColumn: 1, separator: ' ' } };
  return plan;
}

beforeAll(() => {
  baseDir = tempDir('torch-emit-multi-label');
  writeFileSync(join(baseDir, 'plan.json'), JSON.stringify(multiLabelPlan()));
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [tlc, ...args], { cwd: baseDir, encoding: 'utf8' });

describeTorch('an emitted multi-label job with discriminative rates', () => {
  it('emit, launch.sh on 1 process, import-run: the multi-label evaluation of a direct torch run', () => {
    const emitted = run(['run', 'plan.json', '--engine', 'torch', '--emit', 'job']);
    expect(emitted.status, emitted.stderr).toBe(0);
    const job = JSON.parse(readFileSync(join(baseDir, 'job', 'job.json'), 'utf8'));
    expect(job.classes).toEqual(TAGS);
    expect(job.train.targets[job.train.files.findIndex((f: string) => f.startsWith('tshirt/'))]).toEqual([1, 4]);
    expect(job.stages[0].layerLearningRates.map((g: { blocks: string[]; learningRate: number }) => [g.blocks, g.learningRate])).toEqual([[['block1'], 0.005]]);

    const launched = spawnSync(join(baseDir, 'job', 'launch.sh'), ['1'], { encoding: 'utf8', env: { ...process.env, PYTHON: torchPython!.python, OMP_NUM_THREADS: '1' } });
    expect(launched.status, launched.stderr).toBe(0);
    const imported = run(['import-run', 'job', '--out', 'imported']);
    expect(imported.status, imported.stdout + imported.stderr).toBe(0);
    const direct = run(['run', 'plan.json', '--engine', 'torch', '--out', 'direct']);
    expect(direct.status, direct.stdout + direct.stderr).toBe(0);

    const [a, b] = ['imported', 'direct'].map((dir) => JSON.parse(readFileSync(join(baseDir, dir, 'evaluation.json'), 'utf8')));
    expect(a.multiLabel.threshold).toBe(0.5);
    for (const key of ['exactMatch', 'accuracyMulti', 'samplesF1', 'microF1']) {
      expect(typeof a.multiLabel[key], key).toBe('number');
      expect(Math.abs(a.multiLabel[key] - b.multiLabel[key]), key).toBeLessThanOrEqual(1e-6);
    }
    expect(a.accuracy).toBe(a.multiLabel.accuracyMulti);
    expect(a.perClass.map((c: { class: string }) => c.class)).toEqual(TAGS);
    expect(Math.abs(a.macroF1 - b.macroF1)).toBeLessThanOrEqual(1e-6);
    // The imported run records the job's epoch, its rate the stage's base rate.
    const [rowA, rowB] = ['imported', 'direct'].map((dir) => readFileSync(join(baseDir, dir, 'metrics.csv'), 'utf8').trim().split('\n')[1]!.split(',').slice(0, 7));
    expect(rowA.slice(0, 2)).toEqual(rowB!.slice(0, 2));
    rowA.slice(2).forEach((v, i) => expect(Math.abs(Number(v) - Number(rowB![i + 2]))).toBeLessThanOrEqual(1e-5));
  }, TIMEOUT);
});
