// VGG16 / VGG19: builders agree with the catalog and with Keras's figures.
import { describe, expect, it } from 'vitest';
import { findModel } from '../src/catalog/index';
import { describeBackbone } from './backboneChecks';

describe('vgg catalog', () => {
  it('gives the published VGG16 figure and caffe preprocessing', () => {
    const vgg16 = findModel('VGG16')!;
    expect(vgg16.params.total).toBe(14_714_688);
    expect(vgg16.preprocess).toBe('caffe');
    expect(vgg16.blocks.map((b) => b.layer)).toEqual(['block1_pool', 'block2_pool', 'block3_pool', 'block4_pool', 'block5_pool']);
    expect(vgg16.weightsFor({})).toMatchObject({ hashAlgorithm: 'md5', fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5' });
  });
});

describeBackbone('VGG16');
describeBackbone('VGG19');
