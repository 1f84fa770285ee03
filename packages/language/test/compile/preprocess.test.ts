// `preprocess` resolves to Keras's preprocess_input constants per backbone, and to one value per
// array for grayscale images.
import { describe, expect, it } from 'vitest';
import { planOf } from './helpers';

const preprocessOf = (use: string, rest = '', data = '') => planOf(`${data}\n${use}\nhead dense 2\n${rest}`).preprocess;

describe('preprocess native', () => {
  it('caffe (ResNet50): BGR order, the ImageNet mean in BGR order, no scaling', () => {
    expect(preprocessOf('use ResNet50')).toEqual({
      requested: 'native',
      mode: 'caffe',
      channelOrder: 'bgr',
      scale: 1,
      mean: [103.939, 116.779, 123.68],
      std: [1, 1, 1],
    });
  });

  it('tf (ResNet50V2): x / 127.5 - 1', () => {
    const p = preprocessOf('use ResNet50V2');
    expect(p).toEqual({ requested: 'native', mode: 'tf', channelOrder: 'rgb', scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] });
    // The formula gives Keras's range on the extreme pixels.
    expect(0 * p.scale - p.mean[0]).toBe(-1);
    expect(255 * p.scale - p.mean[0]).toBeCloseTo(1, 12);
  });

  it('torch (DenseNet121): x / 255, ImageNet mean and std', () => {
    expect(preprocessOf('use DenseNet121')).toEqual({
      requested: 'native',
      mode: 'torch',
      channelOrder: 'rgb',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
  });

  it('builtin (EfficientNetB0): raw pixels, the model rescales itself', () => {
    expect(preprocessOf('use EfficientNetB0')).toEqual({
      requested: 'native',
      mode: 'builtin',
      channelOrder: 'rgb',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
  });

  it('grayscale gets one value per array, the mean of the RGB constants', () => {
    const gray = 'data "d" { image 224x224 grayscale }';
    expect(preprocessOf('use ResNet50', '', gray)).toMatchObject({ mode: 'caffe', channelOrder: 'rgb', scale: 1, mean: [114.799333333], std: [1] });
    expect(preprocessOf('use DenseNet121', '', gray)).toMatchObject({ mode: 'torch', scale: 1 / 255, mean: [0.449], std: [0.226] });
    expect(preprocessOf('use ResNet50V2', '', gray)).toMatchObject({ mode: 'tf', mean: [1], std: [1] });
  });
});

describe('the other preprocessing modes', () => {
  it('rescale by a fraction or a number', () => {
    const expected = { requested: 'rescale', mode: 'rescale', channelOrder: 'rgb', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };
    expect(preprocessOf('use VGG16 weights none freeze none', 'preprocess rescale 1/255')).toEqual(expected);
    expect(preprocessOf('use VGG16 weights none freeze none', 'preprocess rescale 0.5')).toEqual({ ...expected, scale: 0.5 });
  });

  it('none is the identity', () => {
    expect(preprocessOf('use VGG16 weights none', 'preprocess none')).toEqual({
      requested: 'none',
      mode: 'none',
      channelOrder: 'rgb',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
  });

  it('normalize takes mean and std for 0..1 pixels', () => {
    expect(preprocessOf('use VGG16', 'preprocess normalize mean [0.5, 0.4, 0.3] std [0.2, 0.2, 0.25]')).toEqual({
      requested: 'normalize',
      mode: 'normalize',
      channelOrder: 'rgb',
      scale: 1 / 255,
      mean: [0.5, 0.4, 0.3],
      std: [0.2, 0.2, 0.25],
    });
  });

  it('normalize takes mean and std for 0..255 pixels when a mean is above 1', () => {
    expect(preprocessOf('use VGG16', 'preprocess normalize mean [123.7, 116.3, 103.5] std [58.4, 57.1, 57.4]')).toMatchObject({
      scale: 1,
      mean: [123.7, 116.3, 103.5],
      std: [58.4, 57.1, 57.4],
    });
  });

  it('normalize spreads one value over every channel and averages three for grayscale', () => {
    expect(preprocessOf('use VGG16', 'preprocess normalize mean [0.5] std [0.25]')).toMatchObject({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    const gray = 'data "d" { image 224x224 grayscale }';
    expect(preprocessOf('use VGG16', 'preprocess normalize mean [0.3, 0.6, 0.9] std [0.2, 0.2, 0.2]', gray)).toMatchObject({ mean: [0.6], std: [0.2] });
  });
});
