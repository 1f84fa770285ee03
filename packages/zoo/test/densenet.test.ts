// DenseNet121/169/201: builders agree with the catalog and with Keras's figures.
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { describeBackbone } from './backboneChecks';

describe('densenet catalog', () => {
  it("gives Keras's published DenseNet121 figure and torch preprocessing", () => {
    const model = findModel('DenseNet121')!;
    expect(model.params.total).toBe(7_037_504);
    expect(model.preprocess).toBe('torch');
    expect(model.blocks.map((b) => b.layer)).toEqual(['pool1', 'pool2_pool', 'pool3_pool', 'pool4_pool', 'relu']);
  });

  it("lists Keras's 427 layers for DenseNet121, the stem paddings named as Keras numbers them", () => {
    const layers = modelLayers('DenseNet121')!;
    expect(layers).toHaveLength(427);
    expect(layers.slice(0, 7)).toEqual([
      'input_1', 'zero_padding2d', 'conv1_conv', 'conv1_bn', 'conv1_relu', 'zero_padding2d_1', 'pool1',
    ]);
  });
});

describeBackbone('DenseNet121');
describeBackbone('DenseNet169');
describeBackbone('DenseNet201');
