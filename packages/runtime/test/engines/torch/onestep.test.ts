// One training step from the same weights and batch gives the same loss and the same updated
// weights in the tfjs engine (the runtime's own freeze, loss and optimizer) and in the torch
// engine (tlc_torch's trainer functions on the generated module), within 1e-4: with
// BatchNormalization training (batch statistics, moving averages updated) and with it frozen; with label smoothing;
// and with discriminative learning rates (each group its own rate and weight decay: PyTorch parameter groups).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBackbone } from '@tlc/zoo';
import type { HeadPlan, StagePlan } from '@tlc/plan';
import { applyHead } from '../../../src/model/head';
import { applyFreeze } from '../../../src/model/freeze';
import { stageLoss } from '../../../src/train/loss';
import { makeOptimizer } from '../../../src/train/optimizer';
import { generateTorchModule } from '../../../src/engines/torch/generate';
import { decodeSafetensors } from '../../../src/engines/torch/safetensors';
import { torchWeightsOf } from '../../../src/engines/torch/weights';
import { randomizeWeights } from '../../onnx/random-weights';
import { describeTorch, runPython } from './torch-env';

const TOLERANCE = 1e-4;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-torch-step-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD: HeadPlan = {
  layers: [
    { type: 'pool', pool: 'avg', name: 'head_pool_1' },
    { type: 'dense', units: 3, activation: 'softmax', name: 'head_dense_1' },
  ],
  outputUnits: 3,
  outputActivation: 'softmax',
};

function stagePlan(frozenLayers: string[], batchNormInference: boolean, optimizer: StagePlan['optimizer'], labelSmoothing: number, layerLearningRates: StagePlan['layerLearningRates'] = []): StagePlan {
  return {
    layerLearningRates,
    name: 'train', epochs: 1, batchSize: 4, optimizer,
    loss: 'categorical_crossentropy', metrics: ['accuracy'], labelSmoothing, earlyStopping: null,
    classWeights: { mode: 'none' }, schedule: { kind: 'constant' }, frozenLayers, batchNormInference,
    checkpoint: { monitor: 'val_accuracy', mode: 'max' },
  } as StagePlan;
}

const ADAM = { name: 'adam', learningRate: 1e-2, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null } as StagePlan['optimizer'];
const SGD = { name: 'sgd', learningRate: 5e-2, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null } as unknown as StagePlan['optimizer'];

function maxRelative(want: Float32Array, got: Float32Array): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(want[i] - got[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

/** Discriminative rates as layer ranges by name (first to last backbone layer, inclusive). */
type Groups = { from: string; to: string; learningRate: number }[];

function expectSameStep(freezeUntil: string | null, batchNormInference: boolean, optimizer: StagePlan['optimizer'], labelSmoothing = 0, groups: Groups = []): void {
  const backbone = buildBackbone('MobileNet', { inputShape: [33, 32, 1], alpha: 0.25 });
  const features = backbone.getLayer('conv_pw_3_relu').output as tf.SymbolicTensor;
  const model = tf.model({ inputs: backbone.inputs, outputs: applyHead(features, HEAD) });
  randomizeWeights(model);
  const headNames = new Set(HEAD.layers.map((l) => l.name));
  const backboneLayers = model.layers.filter((l) => !headNames.has(l.name)).map((l) => l.name);
  const frozen: string[] = [];
  if (freezeUntil) {
    for (const name of backboneLayers) {
      frozen.push(name);
      if (name === freezeUntil) break;
    }
  }
  const layerLearningRates = groups.map((g) => ({
    blocks: [], learningRate: g.learningRate, layers: backboneLayers.slice(backboneLayers.indexOf(g.from), backboneLayers.indexOf(g.to) + 1),
  }));
  const stage = stagePlan(frozen, batchNormInference, optimizer, labelSmoothing, layerLearningRates);
  const generated = generateTorchModule(model);
  const out = mkdtempSync(join(dir, 'case-'));
  writeFileSync(join(out, 'model.py'), generated.source);
  writeFileSync(join(out, 'weights.safetensors'), torchWeightsOf(model, generated.weights));
  writeFileSync(join(out, 'job.json'), JSON.stringify({ stage, head: HEAD, backboneLayers }));
  const x = tf.randomUniform([4, 33, 32, 1], -1, 1, 'float32', 3);
  const labels = [0, 2, 1, 2];
  writeFileSync(join(out, 'input.f32'), x.dataSync() as Float32Array);

  // The tfjs engine's step.
  applyFreeze(model, { frozen: new Set(frozen), backbone: new Set(backboneLayers), batchNormInference });
  const step = makeOptimizer(stage.optimizer, layerLearningRates.map((g) => ({
    ratio: g.learningRate / stage.optimizer.learningRate,
    variables: new Set(g.layers.flatMap((name) => model.getLayer(name).trainableWeights.map((w) => (w.read() as tf.Variable).name))),
  })));
  const y = tf.tensor1d(labels, 'int32');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const cost = step.step(() => stageLoss(model.apply(x, { training: true }) as tf.Tensor, y, HEAD, stage.loss, null, stage.labelSmoothing), variables);
  const tfjsLoss = cost.dataSync()[0];
  const tfjsAfter = decodeSafetensors(torchWeightsOf(model, generated.weights));

  // The torch engine's step.
  const printed = runPython('onestep', [join(out, 'job.json'), join(out, 'model.py'), join(out, 'weights.safetensors'), join(out, 'input.f32'), '4,33,32,1', labels.join(','), join(out, 'after.safetensors')]);
  const torchLoss = (JSON.parse(printed.trim().split('\n').pop()!) as { loss: number }).loss;
  const torchAfter = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'after.safetensors'))));

  expect(Math.abs(torchLoss - tfjsLoss) / Math.abs(tfjsLoss)).toBeLessThan(TOLERANCE);
  let changed = 0;
  for (const w of generated.weights) {
    const want = tfjsAfter.get(w.torch)!.data;
    const got = torchAfter.get(w.torch)!.data;
    expect(maxRelative(want, got), w.torch).toBeLessThan(TOLERANCE);
  }
  // The step moved the trained weights and left the frozen ones (and frozen BN statistics) alone.
  const before = decodeSafetensors(new Uint8Array(readFileSync(join(out, 'weights.safetensors'))));
  for (const w of generated.weights) {
    const moved = maxRelative(before.get(w.torch)!.data, torchAfter.get(w.torch)!.data) > 0;
    const isFrozen = frozen.includes(w.tfjs.split('/')[0]) || (batchNormInference && /moving_/.test(w.tfjs) && !headNames.has(w.tfjs.split('/')[0]));
    if (isFrozen) expect(moved, `${w.torch} is frozen`).toBe(false);
    if (moved) changed++;
  }
  expect(changed).toBeGreaterThan(2);
  tf.dispose([x, y, cost]);
  step.dispose();
  model.dispose();
}

describeTorch('one training step is the same in the tfjs and the torch engine', () => {
  it('everything trains, BatchNormalization in training mode (batch statistics, moving averages), Adam', () => {
    expectSameStep(null, false, ADAM);
  });

  it('frozen up to conv_pw_1_relu and every backbone BatchNormalization in inference mode, SGD with momentum', () => {
    expectSameStep('conv_pw_1_relu', true, SGD);
  });

  it('with label smoothing 0.2 (Keras\'s smoothed targets in both engines\' loss), Adam', () => {
    expectSameStep(null, false, ADAM, 0.2);
  });

  it('with discriminative learning rates (two groups, the rest at the stage\'s rate), SGD with momentum and weight decay', () => {
    const decayed = { ...SGD, weightDecay: 0.05 } as StagePlan['optimizer'];
    expectSameStep(null, false, decayed, 0, [
      { from: 'conv1', to: 'conv_pw_1_relu', learningRate: 5e-4 },
      { from: 'conv_dw_2', to: 'conv_pw_2_relu', learningRate: 5e-3 },
    ]);
  });

  it('with discriminative learning rates, Adam, part of the backbone frozen', () => {
    expectSameStep('conv_pw_1_relu', false, ADAM, 0, [{ from: 'conv_dw_2', to: 'conv_pw_3_relu', learningRate: 1e-4 }]);
  });
});
