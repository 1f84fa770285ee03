// The zoo's Dropout (and StochasticDepth's drop path): under seedDropoutMasks, each training call's mask comes from the step's seed
// and the layer's name (repeatable, different per step and per layer); without it, tfjs's
// unseeded masks; never in inference; tfjs's config and class name, loading back as itself.
import * as tf from '@tensorflow/tfjs';
import { roundTrip } from './roundTrip';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Dropout, seedDropoutMasks, StochasticDepth } from '../src/layers/index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => seedDropoutMasks(null));

const x = tf.ones([4, 64]);
const mask = (layer: Dropout, training = true) => Array.from((layer.apply(x, { training }) as tf.Tensor).dataSync());

describe('Dropout', () => {
  it('draws the same mask for the same step seed, and another for another seed or layer', () => {
    const a = new Dropout({ rate: 0.5, name: 'head_dropout_1' });
    const b = new Dropout({ rate: 0.5, name: 'head_dropout_2' });
    seedDropoutMasks(7);
    const first = mask(a);
    expect(mask(a)).toEqual(first);
    expect(mask(new Dropout({ rate: 0.5, name: 'head_dropout_1' }))).toEqual(first);
    expect(mask(b)).not.toEqual(first);
    seedDropoutMasks(8);
    expect(mask(a)).not.toEqual(first);
    // Inverted dropout, as tfjs: kept units scaled by 1 / (1 - rate), about half dropped.
    const dropped = first.filter((v) => v === 0).length;
    expect(new Set(first)).toEqual(new Set([0, 2]));
    expect(dropped).toBeGreaterThan(64);
    expect(dropped).toBeLessThan(192);
  });

  it("keeps tfjs's unseeded masks without a step seed, and drops nothing in inference", () => {
    const layer = new Dropout({ rate: 0.5, name: 'd' });
    expect(mask(layer)).not.toEqual(mask(layer));
    seedDropoutMasks(3);
    expect(mask(layer, false)).toEqual(Array(256).fill(1));
  });

  it("keeps tfjs's class name and config, and loads back as itself", async () => {
    const input = tf.input({ shape: [64] });
    const model = tf.model({ inputs: input, outputs: new Dropout({ rate: 0.25, name: 'd' }).apply(input) as tf.SymbolicTensor });
    expect(model.getLayer('d').getClassName()).toBe('Dropout');
    expect(model.getLayer('d').getConfig()).toEqual(tf.layers.dropout({ rate: 0.25, name: 'd' }).getConfig());
    const loaded = await roundTrip(model);
    expect(loaded.getLayer('d')).toBeInstanceOf(Dropout);
  });
});

describe('StochasticDepth', () => {
  it('drops the same samples for the same step seed, and others for another', () => {
    const layer = new StochasticDepth({ dropPathRate: 0.5, name: 'block_drop' });
    const x = tf.ones([32, 2, 2, 3]);
    const paths = () => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    seedDropoutMasks(11);
    const first = paths();
    expect(paths()).toEqual(first);
    seedDropoutMasks(12);
    expect(paths()).not.toEqual(first);
  });
});
