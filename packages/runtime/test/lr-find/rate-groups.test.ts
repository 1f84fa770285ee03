// The range test with discriminative learning rates, at the level of its steps: the swept rate is
// the stage's base rate and a group steps at its ratio to it. Two identical two-layer tails take
// one SGD step at the same swept rate, one with the first layer in a group at a quarter of the
// stage's lr (the plan's ratio), one without groups: the head's change is the same in both (it
// steps at the swept rate), the grouped layer's change is exactly a quarter of the other's (the
// same gradient, at a quarter of the rate). At two swept rates, so the ratio follows the sweep.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@tlc/plan';
import type { FeatureSource } from '../../src/features/source';
import { rangeTest } from '../../src/lr-find/lr-find';
import { RunLog } from '../../src/run/progress';
import { makePlan, stage } from '../run/fixtures';

const SGD = { name: 'sgd' as const, learningRate: 0.01, momentum: null, beta1: null, beta2: null, epsilon: null, weightDecay: null };
const RATIO = 0.25;

/** input 4 -> dense `block_a` (3, linear) -> dense `head_output` (2, softmax), seeded. */
function tail(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 3, name: 'block_a', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: 'zeros' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head_output', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(a) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** One batch of four samples, the same every epoch. */
const source: FeatureSource = {
  size: 4,
  async *batches() {
    yield { x: tf.tensor2d([[1, 0, 2, -1], [0, 1, -1, 2], [2, 2, 0, 1], [-1, 0, 1, 1]]), labels: Int32Array.from([0, 1, 1, 0]), indices: [0, 1, 2, 3] };
  },
};

/** Each weight's change over a one-step range test at `rate`, by layer. */
async function changes(plan: Plan, rate: number): Promise<Map<string, Float32Array>> {
  const model = tail();
  const before = model.layers.map((l) => l.getWeights().map((w) => w.dataSync().slice()));
  const recorder = await rangeTest(model, plan, plan.stages[0]!, source, {
    settings: { steps: 1, start: rate, end: rate * 10 }, batchSize: 4, classWeights: null, dropoutSeed: 0, targets: null, log: new RunLog({ quiet: true }),
  });
  expect(recorder.points.map((p) => p.lr)).toEqual([rate]);
  const out = new Map<string, Float32Array>();
  model.layers.forEach((layer, i) => layer.getWeights().forEach((w, j) => {
    const now = w.dataSync();
    out.set(`${layer.name}/${j}`, Float32Array.from(now, (v, k) => v - before[i]![j]![k]!));
  }));
  model.dispose();
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('rangeTest with discriminative learning rates', () => {
  const plain = makePlan({ stages: [stage({ optimizer: SGD })] });
  // This tail's layer in a group (the zoo's MobileNet has no `block_a`: set after makePlan checks).
  const grouped: Plan = { ...plain, stages: [{ ...plain.stages[0]!, layerLearningRates: [{ blocks: ['block_a'], layers: ['block_a'], learningRate: SGD.learningRate * RATIO }] }] };

  for (const rate of [1e-3, 0.5]) {
    it(`steps the group at ${RATIO} of the swept rate ${rate} and the rest at the swept rate`, async () => {
      const [withGroup, without] = [await changes(grouped, rate), await changes(plain, rate)];
      for (const [name, change] of without) {
        const scale = name.startsWith('block_a/') ? RATIO : 1;
        expect(change.some((v) => Math.abs(v) > 1e-6), name).toBe(true);
        const got = withGroup.get(name)!;
        for (let k = 0; k < change.length; k++) expect(got[k]!, `${name}[${k}]`).toBeCloseTo(change[k]! * scale, 7);
      }
    });
  }
});
