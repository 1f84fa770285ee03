// LayerScale and StochasticDepth, the custom layers ConvNeXt needs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerScale } from '../src/layers/LayerScale';
import { StochasticDepth } from '../src/layers/StochasticDepth';

beforeAll(() => tf.setBackend('cpu'));

describe('LayerScale', () => {
  it('scales each channel by gamma, which starts at initValues and is trainable', () => {
    const layer = new LayerScale({ initValues: 0.5, projectionDim: 3, name: 'scale' });
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
    const y = layer.apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[3]]);
    layer.setWeights([tf.tensor1d([1, 10, 100])]);
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual([1, 20, 300, 4, 50, 600]);
  });

  it('round-trips through its config', () => {
    const layer = new LayerScale({ initValues: 1e-6, projectionDim: 8 });
    const config = layer.getConfig();
    expect(config).toMatchObject({ initValues: 1e-6, projectionDim: 8 });
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap.LayerScale;
    const copy = fromConfig(cls, config) as LayerScale;
    expect(copy).toBeInstanceOf(LayerScale);
    expect(copy.projectionDim).toBe(8);
    expect(copy.initValues).toBe(1e-6);
  });
});

describe('StochasticDepth', () => {
  const x = tf.ones([400, 2, 2, 3]);

  it('is the identity at inference', () => {
    const layer = new StochasticDepth({ dropPathRate: 0.5 });
    const y = layer.apply(x) as tf.Tensor;
    expect(y.sub(x).abs().max().arraySync()).toBe(0);
  });

  it('drops whole samples in training and scales the kept ones by 1 / keep', () => {
    const layer = new StochasticDepth({ dropPathRate: 0.25 });
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const perSample = y.reshape([400, 12]);
    const min = perSample.min(1).arraySync() as number[];
    const max = perSample.max(1).arraySync() as number[];
    expect(min).toEqual(max); // a sample is kept or dropped as a whole
    const values = new Set(min.map((v) => Math.round(v * 1e4) / 1e4));
    expect([...values].sort()).toEqual([0, 1.3333]);
    const kept = min.filter((v) => v > 0).length / 400;
    expect(kept).toBeGreaterThan(0.65);
    expect(kept).toBeLessThan(0.85);
  });

  it('round-trips through its config', () => {
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap.StochasticDepth;
    const copy = fromConfig(cls, new StochasticDepth({ dropPathRate: 0.1 }).getConfig()) as StochasticDepth;
    expect(copy.dropPathRate).toBe(0.1);
  });

  it('refuses a rate outside [0, 1)', () => {
    expect(() => new StochasticDepth({ dropPathRate: 1 })).toThrow(/\[0, 1\)/);
  });
});
