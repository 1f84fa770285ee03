// ConvNeXt Tiny..XLarge: builders agree with the catalog and with Keras's figures; the model runs
// and survives a save / load round trip (its custom layers are registered).
import * as tf from '@tensorflow/tfjs';
import { roundTrip } from './roundTrip';
import { beforeAll, describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { buildBackbone } from '../src/builders/index';
import { describeBackbone } from './backboneChecks';

describe('convnext catalog', () => {
  it('has built-in preprocessing, sha256 hashes and the stage ends', () => {
    const tiny = findModel('ConvNeXtTiny')!;
    expect(tiny.preprocess).toBe('builtin');
    expect(tiny.weightsFor({})).toMatchObject({ hashAlgorithm: 'sha256', fileName: 'convnext_tiny_notop.h5' });
    expect(tiny.blocks.map((b) => b.layer)).toEqual([
      'convnext_tiny_stem', 'tf.__operators__.add_2', 'tf.__operators__.add_5', 'tf.__operators__.add_14', 'layer_normalization',
    ]);
  });

  it("lists each stage's blocks before its last addition", () => {
    const layers = modelLayers('ConvNeXtSmall')!;
    const stage2End = layers.indexOf(findModel('ConvNeXtSmall')!.blocks[3].layer);
    expect(layers[stage2End - 1]).toBe('convnext_small_stage_2_block_26_identity');
    expect(layers[stage2End + 1]).toBe('convnext_small_downsampling_block_2');
  });
});

describe('ConvNeXtTiny with random weights', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('normalises 0..255 pixels itself, runs, and loads again after saving', async () => {
    const model = buildBackbone('ConvNeXtTiny', { inputShape: [32, 32, 3] });
    const pixels = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 7);
    const normalised = model.getLayer('convnext_tiny_prestem_normalization').apply(pixels) as tf.Tensor;
    const mean = normalised.mean([0, 1, 2]).arraySync() as number[];
    expect(Math.max(...mean.map(Math.abs))).toBeLessThan(0.5);
    const before = model.predict(pixels) as tf.Tensor;
    expect(before.shape).toEqual([2, 1, 1, 768]);

    const loaded = await roundTrip(model);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const after = loaded.predict(pixels) as tf.Tensor;
    expect(after.sub(before).abs().max().arraySync()).toBeLessThan(1e-5);
    tf.dispose([pixels, normalised, before, after]);
    model.dispose();
    loaded.dispose();
  });

  it('normalises grayscale input with the channel-averaged statistics, keeping the layer list', () => {
    const model = buildBackbone('ConvNeXtTiny', { inputShape: [32, 32, 1], init: 'zeros' });
    expect(model.layers.map((l) => l.name)).toEqual(modelLayers('ConvNeXtTiny'));
    const gray = tf.fill([1, 2, 2, 1], 0.449 * 255 + 0.226 * 255);
    const normalised = model.getLayer('convnext_tiny_prestem_normalization').apply(gray) as tf.Tensor;
    expect(Array.from(normalised.dataSync()).every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
    tf.dispose([gray, normalised]);
    model.dispose();
  });
});

describeBackbone('ConvNeXtTiny');
describeBackbone('ConvNeXtSmall');
describeBackbone('ConvNeXtBase');
describeBackbone('ConvNeXtLarge');
describeBackbone('ConvNeXtXLarge');
