// A stage whose head has dropout trains to the same weights twice with the same dropout seed and
// to others with another seed (the masks come from the stage's seed, epoch and batch), and leaves
// masks unseeded once it ends.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, maskSeedFor } from '@tlc/zoo';
import { runStage, selectBackend, type FeatureSource } from '../../src/index';
import { createRng } from '../../src/random';
import { stage } from '../run/fixtures';

const FEATURES = 16;

/** 64 random feature rows in two classes, in batches of 8 (the same on every call). */
function source(): FeatureSource {
  const rng = createRng(3);
  const values = Float32Array.from({ length: 64 * FEATURES }, () => rng.uniform(-1, 1));
  const labels = Int32Array.from({ length: 64 }, (_, i) => i % 2);
  return {
    size: 64,
    async *batches() {
      for (let start = 0; start < 64; start += 8) {
        yield { x: tf.tensor2d(values.slice(start * FEATURES, (start + 8) * FEATURES), [8, FEATURES]), labels: labels.slice(start, start + 8), indices: [] };
      }
    },
  };
}

async function trainedWeights(dropoutSeed: number | undefined): Promise<Float32Array> {
  const input = tf.input({ shape: [FEATURES] });
  const hidden = new Dense({ units: 12, activation: 'relu', name: 'head_dense_1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const dropped = new Dropout({ rate: 0.5, name: 'head_dropout_1' }).apply(hidden);
  const output = new Dense({ units: 2, activation: 'softmax', name: 'head_dense_2', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(dropped);
  const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
  const head = { layers: [], outputUnits: 2, outputActivation: 'softmax' as const };
  await runStage({ model, tail: model, head, stage: stage({ epochs: 2 }), train: source(), validation: null, classWeights: null, batchSize: 8, ...(dropoutSeed === undefined ? {} : { dropoutSeed }) });
  const weights = Float32Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
  model.dispose();
  return weights;
}

describe('dropout masks in a stage', () => {
  it('repeat with the stage\'s dropout seed, differ with another, and are unseeded after it', async () => {
    await selectBackend('cpu');
    const first = await trainedWeights(21);
    expect(maskSeedFor('head_dropout_1')).toBeUndefined();
    expect(Array.from(await trainedWeights(21))).toEqual(Array.from(first));
    expect(Array.from(await trainedWeights(22))).not.toEqual(Array.from(first));
    // Without a seed, two stages draw different masks.
    expect(Array.from(await trainedWeights(undefined))).not.toEqual(Array.from(await trainedWeights(undefined)));
  });
});
