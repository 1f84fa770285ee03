// ResNet50/101/152 (v1): builders agree with the catalog and with Keras's figures.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { build, describeBackbone, isCutPoint } from './backboneChecks';

describe('resnet catalog', () => {
  it("gives Keras's published ResNet50 figure and its stage ends", () => {
    const resnet50 = findModel('ResNet50')!;
    expect(resnet50.params.total).toBe(23_587_712);
    expect(resnet50.preprocess).toBe('caffe');
    expect(resnet50.blocks.map((b) => b.layer)).toEqual([
      'pool1_pool', 'conv2_block3_out', 'conv3_block4_out', 'conv4_block6_out', 'conv5_block3_out',
    ]);
    expect(resnet50.weightsFor({})?.url).toBe(
      'https://storage.googleapis.com/tensorflow/keras-applications/resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5',
    );
  });

  it("lists the layers in Keras's order (the projection shortcut after the 3x3 conv)", () => {
    const layers = modelLayers('ResNet50')!;
    expect(layers).toHaveLength(175);
    expect(layers.slice(12, 19)).toEqual([
      'conv2_block1_2_relu', 'conv2_block1_0_conv', 'conv2_block1_3_conv', 'conv2_block1_0_bn',
      'conv2_block1_3_bn', 'conv2_block1_add', 'conv2_block1_out',
    ]);
  });
});

describe('cut point check', () => {
  it('rejects a layer inside a residual block', async () => {
    await tf.setBackend('cpu');
    const model = build(findModel('ResNet50')!, 64);
    expect(isCutPoint(model, 'conv2_block1_out')).toBe(true);
    expect(isCutPoint(model, 'conv2_block2_1_conv')).toBe(false);
    model.dispose();
  });
});

describeBackbone('ResNet50');
describeBackbone('ResNet101');
describeBackbone('ResNet152');
