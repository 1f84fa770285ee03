// Xception: the builder agrees with the catalog and with Keras's figures, names and order.
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { describeBackbone } from './backboneChecks';

describe('xception catalog', () => {
  it("gives Keras's published figure, tf preprocessing, minimum 71 and the notop file", () => {
    const model = findModel('Xception')!;
    expect(model.params.total).toBe(20_861_480);
    expect(model.preprocess).toBe('tf');
    expect([model.inputSize, model.minInputSize]).toEqual([299, 71]);
    expect(model.firstConv).toBe('block1_conv1');
    expect(model.weightsFor({})?.hash).toBe('b0042744bf5b25fce3cb969f33bebb97');
  });

  it("ends Keras's block1 … block14 at their single-output layers", () => {
    const blocks = findModel('Xception')!.blocks;
    expect(blocks.map((b) => b.keras)).toEqual(Array.from({ length: 14 }, (_, i) => `block${i + 1}`));
    expect(blocks.map((b) => b.layer)).toEqual([
      'block1_conv2_act', 'add', 'add_1', 'add_2', 'add_3', 'add_4', 'add_5', 'add_6', 'add_7',
      'add_8', 'add_9', 'add_10', 'add_11', 'block14_sepconv2_act',
    ]);
  });

  it("lists Keras's 132 layers, the unnamed shortcut layers in Keras's order", () => {
    const layers = modelLayers('Xception')!;
    expect(layers).toHaveLength(132);
    const block2 = layers.indexOf('block2_sepconv2_bn');
    expect(layers.slice(block2, block2 + 5)).toEqual([
      'block2_sepconv2_bn', 'conv2d', 'block2_pool', 'batch_normalization', 'add',
    ]);
  });
});

describeBackbone('Xception');
