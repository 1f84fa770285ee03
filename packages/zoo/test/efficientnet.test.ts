// EfficientNetB0 … B7: builders agree with the catalog and Keras's figures, and rescale their
// raw 0..255 input inside the model as Keras's do.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { buildBackbone } from '../src/builders/index';
import { describeBackbone } from './backboneChecks';

describe('efficientnet catalog', () => {
  it("gives Keras's published B0 figure (Normalization's 7 values included) and built-in preprocessing", () => {
    const b0 = findModel('EfficientNetB0')!;
    expect(b0.params.total).toBe(4_049_571);
    expect(b0.preprocess).toBe('builtin');
    expect(b0.firstConv).toBe('stem_conv');
    expect(b0.weightsFor({})).toEqual({
      url: 'https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5',
      hash: '50bc09e76180e00e4465e1a485ddc09d',
      hashAlgorithm: 'md5',
      fileName: 'efficientnetb0_notop.h5',
    });
  });

  it("ends Keras's stages block1 … block7 and top, with depth-scaled repeats", () => {
    expect(findModel('EfficientNetB0')!.blocks.map((b) => b.layer)).toEqual([
      'block1a_project_bn', 'block2b_add', 'block3b_add', 'block4c_add', 'block5c_add', 'block6d_add',
      'block7a_project_bn', 'top_activation',
    ]);
    // B7: ceil(3.1 * [1, 2, 2, 3, 3, 4, 1]) sub-blocks.
    expect(findModel('EfficientNetB7')!.blocks.map((b) => b.layer)).toEqual([
      'block1d_add', 'block2g_add', 'block3g_add', 'block4j_add', 'block5j_add', 'block6m_add',
      'block7d_add', 'top_activation',
    ]);
    expect(findModel('EfficientNetB7')!.blocks.map((b) => b.keras)).toEqual([
      'block1', 'block2', 'block3', 'block4', 'block5', 'block6', 'block7', 'top',
    ]);
  });

  it("lists the layers in Keras's order, the preprocessing layers first", () => {
    const layers = modelLayers('EfficientNetB0')!;
    expect(layers).toHaveLength(238);
    expect(layers.slice(0, 9)).toEqual([
      'input_1', 'rescaling', 'normalization', 'rescaling_1', 'stem_conv_pad', 'stem_conv', 'stem_bn',
      'stem_activation', 'block1a_dwconv',
    ]);
    const se = layers.indexOf('block2a_se_squeeze');
    expect(layers.slice(se, se + 7)).toEqual([
      'block2a_se_squeeze', 'block2a_se_reshape', 'block2a_se_reduce', 'block2a_se_expand',
      'block2a_se_excite', 'block2a_project_conv', 'block2a_project_bn',
    ]);
  });
});

describe('EfficientNetB0 input preprocessing', () => {
  it('computes (x / 255 - mean) / sqrt(variance) / sqrt(stddev) per channel, from the weights', async () => {
    await tf.setBackend('cpu');
    const model = buildBackbone('EfficientNetB0', { inputShape: [32, 32, 3], init: 'zeros' });
    const mean = [0.485, 0.456, 0.406];
    const stddev = [0.229, 0.224, 0.225];
    model.getLayer('normalization').setWeights([tf.tensor1d(mean), tf.tensor1d(stddev), tf.scalar(0)]);
    const front = tf.model({ inputs: model.inputs, outputs: model.getLayer('rescaling_1').output });
    const pixels = tf.tensor4d([0, 127.5, 255], [1, 1, 1, 3]).tile([1, 32, 32, 1]);
    const out = (front.predict(pixels) as tf.Tensor).slice([0, 0, 0, 0], [1, 1, 1, 3]);
    const expected = [0, 0.5, 1].map((x, c) => (x - mean[c]) / Math.sqrt(stddev[c]) / Math.sqrt(stddev[c]));
    const actual = Array.from(out.dataSync());
    actual.forEach((value, c) => expect(value).toBeCloseTo(expected[c], 5));
    tf.dispose([pixels, out]);
    model.dispose();
  });

  it('gives a grayscale input one-channel statistics', async () => {
    await tf.setBackend('cpu');
    const model = buildBackbone('EfficientNetB0', { inputShape: [32, 32, 1], init: 'zeros' });
    expect(model.getLayer('normalization').getWeights().map((w) => w.shape)).toEqual([[1], [1], []]);
    model.dispose();
  });
});

describeBackbone('EfficientNetB0');
describeBackbone('EfficientNetB1');
describeBackbone('EfficientNetB2');
describeBackbone('EfficientNetB3');
describeBackbone('EfficientNetB4');
describeBackbone('EfficientNetB5');
describeBackbone('EfficientNetB6');
describeBackbone('EfficientNetB7');
