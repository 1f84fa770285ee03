// Weights resolve to a file Keras publishes (URL, hash, cache name), to nothing, or to a local
// file whose format follows from its extension.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index';
import { errorCodesOf, planOf } from './helpers';

const weightsOf = (use: string, data = '') => planOf(`${data}\n${use}\nhead dense 2`).model.weights;

describe('weights', () => {
  it('imagenet: Keras\'s notop file with its md5', () => {
    expect(weightsOf('use ResNet50V2 weights imagenet')).toEqual({
      source: 'imagenet',
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/resnet/resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5',
      hash: 'fac2f116257151a9d068a22e544a4917',
      hashAlgorithm: 'md5',
      fileName: 'resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5',
    });
  });

  it('imagenet for MobileNetV2 follows alpha and a square input size, like Keras', () => {
    const at96 = weightsOf('use MobileNetV2 alpha 0.35', 'data "d" { image 96x96 }');
    expect(at96).toMatchObject({ source: 'imagenet', fileName: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5', hash: null });
    const plan = planOf('data "d" { image 96x96 }\nuse MobileNetV2 alpha 0.35\nhead dense 2');
    expect(plan.model.alpha).toBe(0.35);
    // A non-square input loads the default-size file.
    const wide = weightsOf('use MobileNetV2', 'data "d" { image 160x96 }');
    expect(wide).toMatchObject({ fileName: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5' });
  });

  it('alpha defaults to the family\'s first and is null for models without one', () => {
    expect(planOf('use MobileNetV2\nhead dense 2').model.alpha).toBe(1);
    expect(planOf('use VGG16\nhead dense 2').model.alpha).toBeNull();
  });

  it('none', () => {
    expect(weightsOf('use VGG16 weights none')).toEqual({ source: 'none' });
  });

  it('a local file: .h5 is Keras HDF5, .json is a TensorFlow.js model', () => {
    expect(weightsOf('use VGG16 weights "w/./vgg16_notop.h5"')).toEqual({ source: 'file', path: 'w/vgg16_notop.h5', format: 'h5' });
    expect(weightsOf('use VGG16 weights "tfjs/model.json"')).toEqual({ source: 'file', path: 'tfjs/model.json', format: 'tfjs' });
  });

  it('a file of another format is an error (TL3003), not a plan', () => {
    expect(errorCodesOf('use VGG16 weights "vgg16.pt"\nhead dense 2')).toEqual(['TL3003']);
    const { diagnostics } = compile('use VGG16 weights "vgg16.pt"\nhead dense 2');
    const source = 'use VGG16 weights "vgg16.pt"\nhead dense 2';
    expect(source.slice(diagnostics[0].span.start, diagnostics[0].span.end)).toBe('"vgg16.pt"');
  });
});
