// Rescaling and Normalization, Keras's preprocessing layers as the zoo's models use them.
import * as tf from '@tensorflow/tfjs';
import { roundTrip } from './roundTrip';
import { beforeAll, describe, expect, it } from 'vitest';
import { Normalization, Rescaling } from '../src/layers/index';

beforeAll(() => tf.setBackend('cpu'));

const pixel = (values: number[]) => tf.tensor4d(values, [1, 1, 1, values.length]);
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('Rescaling', () => {
  it('multiplies by a scale and adds an offset, scalars or one per channel', () => {
    const scalar = new Rescaling({ scale: 1 / 127.5, offset: -1 });
    expect(values(scalar.apply(pixel([0, 127.5, 255])) as tf.Tensor)).toEqual([-1, 0, 1]);
    const perChannel = new Rescaling({ scale: [1, 2, 4], offset: [0, 1, 0] });
    expect(values(perChannel.apply(pixel([1, 1, 1])) as tf.Tensor)).toEqual([1, 3, 4]);
    expect(perChannel.countParams()).toBe(0);
  });
});

describe('Normalization', () => {
  it('holds mean, variance and count as 7 non-trainable values for 3 channels', () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const layer = new Normalization({ axis: -1, name: 'normalization' });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    expect(model.countParams()).toBe(7);
    expect(model.trainableWeights).toHaveLength(0);
    expect(layer.getWeights().map((w) => w.shape)).toEqual([[3], [3], []]);
    model.dispose();
  });

  it('computes (x - mean) / sqrt(variance) from its weights', () => {
    const layer = new Normalization();
    layer.apply(pixel([0, 0, 0]));
    layer.setWeights([tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 1, 0.25]), tf.scalar(10)]);
    expect(values(layer.apply(pixel([3, 3, 3])) as tf.Tensor)).toEqual([1, 1, 0]);
  });

  it('takes fixed statistics from its config instead, with no weights', () => {
    const layer = new Normalization({ mean: [0.5], variance: [0.25] });
    expect(values(layer.apply(pixel([1])) as tf.Tensor)).toEqual([1]);
    expect(layer.countParams()).toBe(0);
    expect(() => new Normalization({ mean: [0.5] })).toThrow(/both mean and variance/);
    expect(() => new Normalization({ axis: 1 })).toThrow(/channels-last/);
  });
});

describe('a model using both', () => {
  it('saves and loads again with its configs and weights', async () => {
    const input = tf.input({ shape: [2, 2, 3] });
    let x = new Rescaling({ scale: 1 / 255, name: 'rescaling' }).apply(input) as tf.SymbolicTensor;
    x = new Normalization({ name: 'normalization' }).apply(x) as tf.SymbolicTensor;
    x = new Normalization({ mean: [1, 1, 1], variance: [4, 4, 4], name: 'fixed' }).apply(x) as tf.SymbolicTensor;
    x = new Rescaling({ scale: [1, 2, 3], name: 'rescaling_1' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    model.getLayer('normalization').setWeights([tf.tensor1d([0.5, 0.5, 0.5]), tf.tensor1d([0.25, 1, 4]), tf.scalar(3)]);
    const image = tf.randomUniform([1, 2, 2, 3], 0, 255, 'float32', 3);
    const before = model.predict(image) as tf.Tensor;

    const loaded = await roundTrip(model);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer', 'Rescaling', 'Normalization', 'Normalization', 'Rescaling',
    ]);
    expect(loaded.countParams()).toBe(7);
    const after = loaded.predict(image) as tf.Tensor;
    expect(after.sub(before).abs().max().arraySync()).toBeLessThan(1e-6);
    tf.dispose([image, before, after]);
    model.dispose();
    loaded.dispose();
  });
});
