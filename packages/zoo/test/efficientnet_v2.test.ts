// EfficientNetV2 B0 … B3, S, M, L: builders agree with the catalog and Keras's figures, and
// preprocess inside the model as Keras's do (ImageNet normalization for the B variants on RGB,
// [-1, 1] scaling otherwise).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { buildBackbone } from '../src/builders/index';
import { describeBackbone } from './backboneChecks';

/** The first `upTo` layer's output for a 32x32 image filled with one RGB (or gray) pixel. */
function preprocessed(name: string, channels: number, pixel: number[], upTo: string): number[] {
  const model = buildBackbone(name, { inputShape: [32, 32, channels], init: 'zeros' });
  const front = tf.model({ inputs: model.inputs, outputs: model.getLayer(upTo).output });
  const x = tf.tensor4d(pixel, [1, 1, 1, channels]).tile([1, 32, 32, 1]);
  const y = front.predict(x) as tf.Tensor;
  const values = Array.from(y.slice([0, 0, 0, 0], [1, 1, 1, channels]).dataSync());
  tf.dispose([x, y]);
  model.dispose();
  return values;
}

describe('efficientnet_v2 catalog', () => {
  it('gives built-in preprocessing, the notop files and their md5s', () => {
    const b0 = findModel('EfficientNetV2B0')!;
    expect(b0.preprocess).toBe('builtin');
    expect(b0.weightsFor({})).toEqual({
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/efficientnetv2-b0_notop.h5',
      hash: '893217f2bb855e2983157299931e43ff',
      hashAlgorithm: 'md5',
      fileName: 'efficientnetv2-b0_notop.h5',
    });
    expect(findModel('EfficientNetV2L')!.weightsFor({})?.fileName).toBe('efficientnetv2-l_notop.h5');
    expect(findModel('EfficientNetV2S')!.inputSize).toBe(384);
  });

  it("ends Keras's stages and top", () => {
    expect(findModel('EfficientNetV2B0')!.blocks.map((b) => b.layer)).toEqual([
      'block1a_project_activation', 'block2b_add', 'block3b_add', 'block4c_add', 'block5e_add',
      'block6h_add', 'top_activation',
    ]);
    expect(findModel('EfficientNetV2M')!.blocks.map((b) => b.layer)).toEqual([
      'block1c_add', 'block2e_add', 'block3e_add', 'block4g_add', 'block5n_add', 'block6r_add',
      'block7e_add', 'top_activation',
    ]);
  });

  it("lists the layers in Keras's order, fused blocks without a depthwise convolution", () => {
    const layers = modelLayers('EfficientNetV2B0')!;
    expect(layers.slice(0, 9)).toEqual([
      'input_1', 'rescaling', 'normalization', 'stem_conv', 'stem_bn', 'stem_activation',
      'block1a_project_conv', 'block1a_project_bn', 'block1a_project_activation',
    ]);
    expect(layers.some((name) => /^block[123].*dwconv2$/.test(name))).toBe(false);
    expect(layers).toContain('block4a_dwconv2');
    expect(modelLayers('EfficientNetV2S')!.slice(1, 3)).toEqual(['rescaling', 'stem_conv']);
  });
});

describe('EfficientNetV2 input preprocessing', () => {
  it('normalises RGB with ImageNet statistics in the B variants (no weights needed)', async () => {
    await tf.setBackend('cpu');
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const out = preprocessed('EfficientNetV2B0', 3, [0, 127.5, 255], 'normalization');
    [0, 0.5, 1].forEach((x, c) => expect(out[c]).toBeCloseTo((x - mean[c]) / std[c], 5));
  });

  it('scales to [-1, 1] for S / M / L and for grayscale input', async () => {
    await tf.setBackend('cpu');
    const rgb = preprocessed('EfficientNetV2S', 3, [0, 128, 255], 'rescaling');
    [-1, 0, 255 / 128 - 1].forEach((v, c) => expect(rgb[c]).toBeCloseTo(v, 6));
    const gray = preprocessed('EfficientNetV2B0', 1, [64], 'rescaling');
    expect(gray[0]).toBeCloseTo(-0.5, 6);
  });
});

describeBackbone('EfficientNetV2B0');
describeBackbone('EfficientNetV2B1');
describeBackbone('EfficientNetV2B2');
describeBackbone('EfficientNetV2B3');
describeBackbone('EfficientNetV2S');
describeBackbone('EfficientNetV2M');
describeBackbone('EfficientNetV2L');
