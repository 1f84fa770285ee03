// InceptionV3: the builder agrees with the catalog and with Keras's figures, names and order.
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { describeBackbone } from './backboneChecks';

describe('inception_v3 catalog', () => {
  it("gives Keras's published figure, tf preprocessing, minimum 75 and the notop file", () => {
    const model = findModel('InceptionV3')!;
    expect(model.params.total).toBe(21_802_784);
    expect(model.preprocess).toBe('tf');
    expect([model.inputSize, model.minInputSize, model.inputSizeMultiple]).toEqual([299, 75, 1]);
    expect(model.blocks.map((b) => b.layer)).toEqual([
      'max_pooling2d_1',
      ...Array.from({ length: 11 }, (_, i) => `mixed${i}`),
    ]);
    expect(model.blocks.map((b) => b.name)).toEqual(Array.from({ length: 12 }, (_, i) => `block${i + 1}`));
    expect(model.weightsFor({})).toEqual({
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
      hash: 'bcbd6486424b2319ff4ef7d526e38f63',
      hashAlgorithm: 'md5',
      fileName: 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
    });
  });

  it("lists Keras's 311 layers, automatic names in Keras's creation and summary order", () => {
    const layers = modelLayers('InceptionV3')!;
    expect(layers).toHaveLength(311);
    expect(layers.filter((name) => /^conv2d(_\d+)?$/.test(name))).toHaveLength(94);
    // mixed0 as Keras's summary shows it: sorted by depth, then by traversal order.
    const mixed0 = layers.indexOf('max_pooling2d_1') + 1;
    expect(layers.slice(mixed0, mixed0 + 8)).toEqual([
      'conv2d_8', 'batch_normalization_8', 'activation_8', 'conv2d_6', 'conv2d_9',
      'batch_normalization_6', 'batch_normalization_9', 'activation_6',
    ]);
    expect(layers.slice(-4)).toEqual(['mixed9_1', 'concatenate_1', 'activation_93', 'mixed10']);
  });
});

describeBackbone('InceptionV3');
