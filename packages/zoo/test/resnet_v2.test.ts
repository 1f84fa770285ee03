// ResNet50V2/101V2/152V2: builders agree with the catalog and with Keras's figures.
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { describeBackbone } from './backboneChecks';

describe('resnet_v2 catalog', () => {
  it("gives Keras's published ResNet50V2 figure and tf preprocessing", () => {
    const model = findModel('ResNet50V2')!;
    expect(model.params.total).toBe(23_564_800);
    expect(model.preprocess).toBe('tf');
  });

  it('makes `freeze until block4` stop at conv4_block6_out, right before conv5', () => {
    const block4 = findModel('ResNet50V2')!.blocks.find((b) => b.name === 'block4')!;
    expect(block4.layer).toBe('conv4_block6_out');
    const layers = modelLayers('ResNet50V2')!;
    const end = layers.indexOf('conv4_block6_out');
    expect(layers.slice(0, end + 1).some((name) => name.startsWith('conv5'))).toBe(false);
    expect(layers.slice(end + 1).every((name) => name.startsWith('conv5') || name.startsWith('post'))).toBe(true);
  });

  it("names the unnamed shortcut poolings as Keras numbers them", () => {
    const layers = modelLayers('ResNet50V2')!;
    expect(layers).toHaveLength(190);
    expect(layers.filter((name) => name.startsWith('max_pooling2d'))).toEqual([
      'max_pooling2d', 'max_pooling2d_1', 'max_pooling2d_2',
    ]);
    expect(layers[layers.indexOf('conv2_block3_out') - 2]).toBe('max_pooling2d');
  });
});

describeBackbone('ResNet50V2');
describeBackbone('ResNet101V2');
describeBackbone('ResNet152V2');
