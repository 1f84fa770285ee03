// MobileNet (v1): the builder agrees with the catalog and Keras's figures; the weight file
// follows Keras's alpha / input-size rule.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { buildBackbone } from '../src/builders/index';
import { describeBackbone } from './backboneChecks';

const entry = findModel('MobileNet')!;

describe('mobilenet catalog', () => {
  it("gives Keras's figures (4,253,864 with the top, less its 1,025,000), tf preprocessing, stage ends", () => {
    expect(entry.params).toEqual({ total: 3_228_864, trainable: 3_206_976 });
    expect(entry.preprocess).toBe('tf');
    expect(entry.alphas).toEqual([1.0, 0.25, 0.5, 0.75]);
    expect(entry.blocks.map((b) => b.layer)).toEqual([
      'conv_pw_1_relu', 'conv_pw_3_relu', 'conv_pw_5_relu', 'conv_pw_11_relu', 'conv_pw_13_relu',
    ]);
  });

  it('names the weight file by alpha and published size, falling back to 224 as Keras does', () => {
    expect(entry.weightsFor({})).toEqual({
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/mobilenet_1_0_224_tf_no_top.h5',
      hash: null,
      hashAlgorithm: null,
      fileName: 'mobilenet_1_0_224_tf_no_top.h5',
    });
    const file = (alpha: number, inputSize: number) => entry.weightsFor({ alpha, inputSize })?.fileName;
    expect(file(0.25, 128)).toBe('mobilenet_2_5_128_tf_no_top.h5');
    expect(file(0.5, 192)).toBe('mobilenet_5_0_192_tf_no_top.h5');
    expect(file(0.75, 96)).toBe('mobilenet_7_5_224_tf_no_top.h5');
    expect(entry.weightsFor({ alpha: 0.35 })).toBeNull();
  });

  it('carries the sha256 of the file shipped with tlc (alpha 0.25, 224), and no hash where none is known', () => {
    expect(entry.weightsFor({ alpha: 0.25, inputSize: 224 })).toMatchObject({
      hash: 'dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf',
      hashAlgorithm: 'sha256',
    });
    expect(entry.weightsFor({ alpha: 0.25, inputSize: 128 })).toMatchObject({ hash: null, hashAlgorithm: null });
  });

  it("lists Keras's 86 layers", () => {
    const layers = modelLayers('MobileNet')!;
    expect(layers).toHaveLength(86);
    expect(layers.slice(0, 5)).toEqual(['input_1', 'conv1', 'conv1_bn', 'conv1_relu', 'conv_dw_1']);
    expect(layers.filter((name) => name.startsWith('conv_pad_'))).toEqual([
      'conv_pad_2', 'conv_pad_4', 'conv_pad_6', 'conv_pad_12',
    ]);
  });

  it('scales every width by alpha (alpha 0.25: 8 filters first, 256 channels out)', async () => {
    await tf.setBackend('cpu');
    const model = buildBackbone('MobileNet', { inputShape: [128, 128, 3], alpha: 0.25, init: 'zeros' });
    expect(model.getLayer('conv1').getWeights()[0].shape).toEqual([3, 3, 3, 8]);
    expect(model.outputs[0].shape).toEqual([null, 4, 4, 256]);
    model.dispose();
  });
});

describeBackbone('MobileNet');
