// Gradual unfreezing: a run of three stages (the head on a frozen backbone, then two named
// fine-tuning stages each unfreezing one block more, the last with a discriminative rate for
// block2 and its BatchNormalization training), each starting from the one before; and a run
// interrupted in the middle of stage 3 that, resumed, ends exactly as the uninterrupted one
// (every rate group's optimizer state restored).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunLog, runPlan, selectBackend } from '../../src/index';
import { BACKBONE, layersUntil, makePlan, pretrainBackbone, stage, tempDir, writeImageFolder } from './fixtures';

let base: string;
let pretrained: string;

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('gradual');
  await writeImageFolder(join(base, 'data'), 12);
  ({ path: pretrained } = await pretrainBackbone(base, 'pretrained'));
});

function threeStagePlan() {
  const all = layersUntil(BACKBONE.outputLayer);
  return makePlan({
    weights: { source: 'file', path: pretrained, format: 'tfjs' },
    frozen: all,
    stages: [
      stage({ frozenLayers: all, epochs: 1, batchNormInference: true }),
      // MobileNet's block3 starts at conv_pad_4: train it (and the head).
      stage({ name: 'block3', frozenLayers: layersUntil('conv_pw_3_relu'), epochs: 1, batchNormInference: true, optimizer: { name: 'adam', learningRate: 1e-3, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null } }),
      // Block2 learns ten times slower than block3 and the head (`lr 1e-5 for block2`), its BatchNormalization training.
      stage({
        name: 'block2 and after', frozenLayers: layersUntil('conv_pw_1_relu'), epochs: 2, batchNormInference: false,
        optimizer: { name: 'adam', learningRate: 1e-4, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
        layerLearningRates: [{ blocks: ['block2'], layers: layersUntil('conv_pw_3_relu').slice(layersUntil('conv_pw_1_relu').length), learningRate: 1e-5 }],
      }),
    ],
  });
}

/** metrics.csv without the timing columns. */
function metricsOf(dir: string): string[] {
  return readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n').map((line) => line.split(',').slice(0, 7).join(','));
}

describe('three stages', () => {
  it('trains each stage in order, names each in metrics.csv and the report, and resumes mid stage 3 exactly', async () => {
    const plan = threeStagePlan();
    const whole = join(base, 'run-whole');
    const summary = await runPlan(plan, { baseDir: base, out: whole, log: new RunLog({ quiet: true }) });
    expect(summary.stages.map((s) => [s.name, s.epochs])).toEqual([['train', 1], ['block3', 1], ['block2 and after', 2]]);
    const rows = metricsOf(whole);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 2).join(' '))).toEqual(['train 1', 'block3 1', 'block2 and after 1', 'block2 and after 2']);
    const report = readFileSync(join(whole, 'report.html'), 'utf8');
    for (const name of ['block3', 'block2 and after']) expect(report).toContain(name);
    // The trunk named at the top is the last stage's, and says so.
    expect(report).toMatch(/Trunk of the last stage, block2 and after: input\.\./);

    // A crash while stage 3's first epoch is printed (its files are written), then --resume.
    const interrupted = join(base, 'run-interrupted');
    const crashing = new RunLog({
      out: { write: (text: string) => { if (text.includes('block2 and after epoch 1/2')) throw new Error('power cut'); return true; } } as unknown as NodeJS.WritableStream,
    });
    await expect(runPlan(plan, { baseDir: base, out: interrupted, log: crashing })).rejects.toThrow('power cut');
    const state = JSON.parse(readFileSync(join(interrupted, 'state.json'), 'utf8'));
    expect([state.stageIndex, state.stage.completedEpochs]).toEqual([2, 1]);
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
    await runPlan(plan, { baseDir: '/nonexistent', resume: interrupted, log });
    expect(lines.join('')).not.toMatch(/(train|block3) epoch/);
    expect(lines.join('')).toMatch(/block2 and after epoch 2\/2/);
    expect(lines.join('')).toMatch(/learning rates: block2 at 0.00001; every other trained layer and the head at 0.0001/);
    // On the 18 training images there are, not on the 512 it takes at most.
    expect(lines.join('')).toMatch(/batch norm: \d+ layers train; their statistics are recomputed on 18 training images after each epoch/);
    expect(metricsOf(interrupted)).toEqual(rows);
    expect(readFileSync(join(interrupted, 'model', 'weights.bin'))).toEqual(readFileSync(join(whole, 'model', 'weights.bin')));
  });
});
