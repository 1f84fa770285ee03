// Out of memory in a training stage: a real allocation failure (a batch far larger than memory)
// becomes TL4205 naming the batch size and suggesting half of it.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RunError, runStage, selectBackend, type FeatureSource } from '../../src/index';
import { isOutOfMemory } from '../../src/train/out-of-memory';
import { stage } from '../run/fixtures';

describe('out of memory', () => {
  it('turns an allocation failure during a stage into TL4205 with the batch size', async () => {
    await selectBackend('cpu');
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(input) as tf.SymbolicTensor });
    // Each "batch" asks for 2^33 floats (32 GiB): the allocation itself fails.
    const huge: FeatureSource = {
      size: 64,
      async *batches() {
        yield { x: tf.zeros([8, 2 ** 30]), labels: new Int32Array(8), indices: [0] };
      },
    };
    const head = { layers: [], outputUnits: 2, outputActivation: 'softmax' as const };
    const error = await runStage({ model, tail: model, head, stage: stage({ epochs: 1 }), train: huge, validation: null, classWeights: null, batchSize: 8 }).catch((e) => e);
    expect(error).toBeInstanceOf(RunError);
    expect(error.code).toBe('TL4205');
    expect(error.message).toMatch(/with batch 8/);
    expect(error.message).toMatch(/`batch 4`/);
  });

  it('recognises the messages of TensorFlow, WebAssembly and V8, and nothing else', () => {
    expect(isOutOfMemory(new Error('OOM when allocating tensor with shape[64,112,112,64]'))).toBe(true);
    expect(isOutOfMemory(new RangeError('WebAssembly.Memory(): could not allocate memory'))).toBe(true);
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory(new Error('the data folder does not exist'))).toBe(false);
  });
});
