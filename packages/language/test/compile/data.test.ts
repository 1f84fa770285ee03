// The data pipeline and augmentation, with paths kept relative to the source file's folder.
import { describe, expect, it } from 'vitest';
import { planOf } from './helpers';

const dataOf = (data: string, extra = '', use = 'use VGG16') => planOf(`${data}\n${extra}\n${use}\nhead dense 2`).data!;

describe('data', () => {
  it('takes every setting the source gives', () => {
    const data = dataOf('data "./photos/train/" {\n image 160x128 rgb\n resize crop\n validation 10% seed 5\n batch 8\n on bad image skip\n shuffle off seed 9\n}');
    expect(data).toEqual({
      directory: 'photos/train',
      imageSize: [128, 160],
      colorMode: 'rgb',
      resize: 'crop',
      validation: { mode: 'split', fraction: 0.1, seed: 5 },
      batchSize: 8,
      shuffle: false,
      seed: 9,
      onBadImage: 'skip',
      maxPixels: 178_956_970,
      augment: null,
      labels: null,
    });
  });

  it('labels "FILE": images and labels from a CSV file, its path as written (relative to the data folder)', () => {
    expect(dataOf('data "photos" { labels "./tags/all.csv" }').labels).toEqual({ path: 'tags/all.csv', fileColumn: 0, labelColumn: 1, separator: ' ' });
    expect(dataOf('data "photos" { labels "all.csv" columns "image" "tags" }').labels).toEqual({ path: 'all.csv', fileColumn: 'image', labelColumn: 'tags', separator: ' ' });
    expect(dataOf('data "photos" { labels "all.csv" separator ";" columns "image" "tags" }').labels).toEqual({ path: 'all.csv', fileColumn: 'image', labelColumn: 'tags', separator: ';' });
    expect(dataOf('data "photos" { labels "all.csv" separator "\\t" }').labels).toMatchObject({ separator: '\t' });
    expect(dataOf('data "photos"').labels).toBeNull();
  });

  it('the image size sets the model input: WxH becomes [height, width, channels]', () => {
    const plan = planOf('data "d" { image 160x128 grayscale }\nuse ResNet50V2\nhead dense 2');
    expect(plan.model.inputShape).toEqual([128, 160, 1]);
    expect(plan.data?.colorMode).toBe('grayscale');
    expect(plan.model.firstConvAdapt).toEqual({ layer: 'conv1_conv', method: 'sum' });
    const skip = planOf('data "d" { image 96x96 grayscale adapt skip }\nuse ResNet50V2\nhead dense 2');
    expect(skip.model.firstConvAdapt).toEqual({ layer: 'conv1_conv', method: 'skip' });
    const scratch = planOf('data "d" { image 96x96 grayscale }\nuse ResNet50V2 weights none\nhead dense 2');
    expect(scratch.model.firstConvAdapt).toBeNull();
  });

  it('the shuffle seed is the seed of the split and of augmentation unless they give their own', () => {
    const data = dataOf('data "d" { shuffle on seed 7 }', 'augment { flip horizontal }');
    expect(data.validation).toEqual({ mode: 'split', fraction: 0.2, seed: 7 });
    expect(data.augment?.seed).toBe(7);
  });

  it('a validation folder', () => {
    expect(dataOf('data "d" { validation "../val" }').validation).toEqual({ mode: 'directory', directory: '../val' });
  });

  it('augment maps to ImageDataGenerator-style settings', () => {
    const data = dataOf('data "d"', 'augment { rotate 20; zoom 0.1; shear 0.2; shift 0.1; flip horizontal; brightness 0.8..1.2 }');
    expect(data.augment).toEqual({
      rotation: 20,
      zoom: [0.9, 1.1],
      shear: 0.2,
      shiftWidth: 0.1,
      shiftHeight: 0.1,
      channelShift: 0,
      fill: { mode: 'nearest', value: 0 },
      horizontalFlip: true,
      verticalFlip: false,
      brightness: [0.8, 1.2], mixup: 0, cutmix: 0, randomCrop: null,
      seed: 42,
    });
    const both = dataOf('data "d"', 'augment { flip horizontal vertical; seed 3 }').augment;
    expect(both).toMatchObject({ rotation: 0, zoom: [1, 1], brightness: null, horizontalFlip: true, verticalFlip: true, seed: 3 });
  });

  it('the other ImageDataGenerator settings: uneven zoom, one shift per axis, channel shift, fill', () => {
    const data = dataOf('data "d"', 'augment { zoom 0.8..1.3; shift width 0.2; shift height 0.05; channel shift 25; fill constant 128 }');
    expect(data.augment).toMatchObject({ zoom: [0.8, 1.3], shiftWidth: 0.2, shiftHeight: 0.05, channelShift: 25, fill: { mode: 'constant', value: 128 } });
    expect(dataOf('data "d"', 'augment { shift height 0.3; fill wrap }').augment).toMatchObject({ shiftWidth: 0, shiftHeight: 0.3, fill: { mode: 'wrap', value: 0 } });
    expect(dataOf('data "d"', 'augment { fill constant }').augment?.fill).toEqual({ mode: 'constant', value: 0 });
    expect(dataOf('data "d"', 'augment { mixup 0.2; cutmix 1.0 }').augment).toMatchObject({ mixup: 0.2, cutmix: 1 });
    expect(dataOf('data "d" { resize crop }').resize).toBe('crop');
    expect(dataOf('data "d" { resize pad }').resize).toBe('pad');
    expect(dataOf('data "d"').resize).toBe('stretch');
    expect(dataOf('data "d"', 'augment { flip horizontal }').augment).toMatchObject({ mixup: 0, cutmix: 0 });
  });

  it('random crop: fastai\'s scale 0.35..1 and torchvision\'s ratio 3/4..4/3 unless given, in either order', () => {
    expect(dataOf('data "d"', 'augment { random crop }').augment?.randomCrop).toEqual({ scale: [0.35, 1], ratio: [3 / 4, 4 / 3] });
    expect(dataOf('data "d"', 'augment { random crop scale 0.08..1 }').augment?.randomCrop).toEqual({ scale: [0.08, 1], ratio: [3 / 4, 4 / 3] });
    expect(dataOf('data "d"', 'augment { random crop ratio 0.5..2 scale 0.5..0.9; flip horizontal }').augment?.randomCrop).toEqual({ scale: [0.5, 0.9], ratio: [0.5, 2] });
    expect(dataOf('data "d"', 'augment { flip horizontal }').augment?.randomCrop).toBeNull();
  });
});

describe('outputs', () => {
  it('evaluate, export and predict keep their paths relative to the source', () => {
    const plan = planOf('data "d"\nuse VGG16\nhead dense 2\nevaluate "tests/"\nexport "out\\\\model"\npredict "new"');
    expect(plan.evaluate).toEqual({ on: 'directory', directory: 'tests', tta: 'none', threshold: 0.5 });
    expect(plan.export).toEqual({ path: 'out/model', format: 'tfjs-layers' });
    expect(plan.predict).toEqual({ directory: 'new' });
    expect(planOf('data "d"\nuse VGG16\nhead dense 2\nevaluate').evaluate).toEqual({ on: 'validation', directory: null, tta: 'none', threshold: 0.5 });
    expect(planOf('data "d"\nuse VGG16\nhead dense 2\nevaluate validation').evaluate).toEqual({ on: 'validation', directory: null, tta: 'none', threshold: 0.5 });
    expect(planOf('data "d"\nuse VGG16\nhead dense 2\nevaluate validation tta flips').evaluate).toEqual({ on: 'validation', directory: null, tta: 'flips', threshold: 0.5 });
    expect(planOf('data "d"\nuse VGG16\nhead dense 2\nexport "m" as onnx').export).toEqual({ path: 'm', format: 'onnx' });
    expect(planOf('data "d"\nuse VGG16\nhead dense 2\nexport "m" as tfjs').export).toEqual({ path: 'm', format: 'tfjs-layers' });
    expect(planOf('data "d"\nuse VGG16\nhead dense 2\nevaluate tta flips').evaluate).toEqual({ on: 'validation', directory: null, tta: 'flips', threshold: 0.5 });
    expect(planOf('data "d"\nuse VGG16\nhead { pool avg; dense 3 sigmoid }\nevaluate validation threshold 0.3').evaluate).toEqual({ on: 'validation', directory: null, tta: 'none', threshold: 0.3 });
    expect(planOf('data "d"\nuse VGG16\nhead { pool avg; dense 3 sigmoid }\nevaluate tta flips threshold 0.7').evaluate).toEqual({ on: 'validation', directory: null, tta: 'flips', threshold: 0.7 });
    expect(planOf('data "d"\nuse VGG16\nhead dense 2\nevaluate "tests" tta flips').evaluate).toEqual({ on: 'directory', directory: 'tests', tta: 'flips', threshold: 0.5 });
  });
});
