// complete() on the text before the cursor: what it offers after each keyword, and the same at
// the end of a very long line (the fuzz suite found it quadratic there: ~0.6 s on 25,000 digits).
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, complete } from '../src/completion';

const labels = (text: string) => complete(text, text.length).map((i) => i.label);

describe('complete', () => {
  it('offers what may follow the last words of the statement', () => {
    expect(labels('head {\n  dense 12 ')).toEqual(ACTIVATIONS);
    expect(labels('use MobileNetV2 weights ')).toEqual(['imagenet', 'none']);
    expect(labels('use MobileNetV2 freeze ')).toEqual(['all', 'none', 'until']);
    expect(labels('use MobileNetV2 freeze until ')).toContain('block5');
    expect(labels('use MobileNetV2 freeze until ')).toContain('layer');
    expect(labels('use MobileNetV2\nfine tune {\n  unfreeze from ')).toEqual(expect.arrayContaining(['block4', 'layer']));
    expect(labels('use MobileNetV2 cut after ')).not.toContain('layer');
    expect(labels('use MobileNetV2\nfine tune {\n  batch norm ')).toEqual(['frozen', 'train']);
    expect(labels('use MobileNetV2\nfine tune {\n  batch ')).toEqual(expect.arrayContaining(['auto', 'norm']));
    expect(labels('use MobileNetV2\nfine tune {\n  lr 1e-5 for ')).toContain('block4');
    expect(labels('pipeline "a"; use MobileNetV2 weights imagenet; head { pool ')).toEqual(['avg', 'max']);
    expect(labels('  ')).toContain('pipeline');
    expect(labels('dense 12 relu ')).toEqual([]);
    expect(labels('train {\n  label ')).toEqual(['smoothing']);
    expect(labels('evaluate validation ')).toEqual(['tta', 'threshold']);
    expect(labels('evaluate validation tta flips ')).toEqual(['threshold']);
    expect(labels('  labels "tags.csv" ')).toEqual(['columns', 'separator']);
    expect(labels('  labels "tags.csv" columns "f" "t" ')).toEqual(['separator']);
    expect(labels('  labels "tags.csv" separator ";" ')).toEqual(['columns']);
    expect(labels('evaluate "test" tta ')).toEqual(['flips']);
    expect(labels('train { batch ')).toEqual(['auto', 'norm']);
    expect(labels('data "d" { batch ')).toEqual(['auto']);
    expect(labels('train { precision ')).toEqual(['float32', 'bf16']);
    expect(labels('export "models/x" ')).toEqual(['as']);
    expect(labels('export "models/x" as ')).toEqual(['tfjs', 'onnx']);
    expect(labels('train {\n  ')).toContain('label smoothing');
    expect(labels('train {\n  ')).not.toContain('smoothing');
    expect(labels('train {\n  schedule ')).toEqual(['cosine', 'one cycle', 'step']);
    expect(labels('train {\n  schedule cosine warmup 2 ')).toEqual(['epochs', 'steps']);
    expect(labels('train {\n  reduce ')).toEqual(['lr on plateau']);
    expect(labels('train {\n  reduce lr on plateau patience 2 on ')).toEqual(['val_loss', 'val_accuracy', 'loss', 'accuracy']);
    expect(labels('train {\n  early stop on ')).toContain('val_accuracy');
    expect(labels('train {\n  ')).toEqual(expect.arrayContaining(['schedule', 'reduce lr on plateau']));
    expect(labels('train {\n  ')).not.toContain('warmup');
    expect(labels('augment { fill ')).toEqual(['nearest', 'constant', 'reflect', 'wrap']);
    expect(labels('data "d" {\n  resize ')).toEqual(['stretch', 'crop', 'pad']);
    expect(labels('augment { shift ')).toEqual(['width', 'height']);
    expect(labels('augment { channel ')).toEqual(['shift']);
    expect(labels('augment { random ')).toEqual(['crop']);
    expect(labels('augment { random crop ')).toEqual(['scale', 'ratio']);
    expect(labels('augment { random crop scale 0.3..1 ')).toEqual(['ratio']);
    expect(labels('augment { random crop ratio 0.5..2 scale 0.3..1 ')).toEqual([]);
    expect(labels('augment {\n  ')).toContain('random crop');
    expect(labels('augment {\n  ')).not.toContain('scale');
    expect(labels('augment { channel shift ')).toEqual([]);
    expect(labels('augment {\n  ')).toEqual(expect.arrayContaining(['channel shift', 'fill']));
    expect(labels('augment {\n  ')).not.toContain('width');
  });

  it('offers at the start of a line what the enclosing block takes', () => {
    const stage = ['epochs', 'optimizer', 'lr', 'loss', 'label smoothing', 'early stop', 'class weights', 'batch', 'schedule', 'reduce lr on plateau', 'precision'];
    expect(labels('use MobileNet\ntrain {\n  ')).toEqual(stage);
    expect(labels('use MobileNet\nfine tune "b5" {\n  epochs 3\n  ')).toEqual([...stage.slice(0, 7), 'unfreeze', ...stage.slice(7)]);
    expect(labels('fine tune {\n  ')).toContain('unfreeze');
    expect(labels('augment {\n  ')).toEqual(['rotate', 'zoom', 'shear', 'shift', 'channel shift', 'fill', 'flip', 'brightness', 'mixup', 'cutmix', 'random crop', 'seed']);
    expect(labels('data "photos" {\n  ')).toEqual(['image', 'resize', 'validation', 'batch', 'on bad image', 'shuffle', 'labels']);
    expect(labels('head {\n  pool avg\n  ')).toEqual(['pool', 'flatten', 'dropout', 'dense', 'batchnorm']);
    expect(labels('train { ')).toContain('schedule');
    expect(labels('train { epochs 3; ')).toContain('schedule');
    // Back at the top level after the block closes; a `{` in a comment or a string opens nothing.
    expect(labels('train {\n  epochs 3\n}\n')).toEqual(['pipeline', 'data', 'augment', 'use', 'preprocess', 'head', 'train', 'fine tune', 'evaluate', 'export', 'predict']);
    expect(labels('# train {\ndata "a{b" { batch 8 }\n')).toContain('fine tune');
    expect(labels('train {\n  class weights {\n    ')).toEqual([]);
    expect(labels('train {\n  class weights { cat 2 }\n  ')).toContain('schedule');
    // A `{` on its own line (Allman style) opens the block of the words on the line(s) before it.
    expect(labels('use MobileNet\ntrain\n{\n  ')).toEqual(stage);
    expect(labels('fine tune "b5"  # last blocks\n\n{\n  ')).toContain('unfreeze');
    expect(labels('augment\n{\n  rotate 10\n  ')).toContain('mixup');
    expect(labels('train\n{\n  epochs 3\n}\n')).toContain('fine tune');
  });

  it('offers the clauses and values of the training statements', () => {
    expect(labels('train {\n  schedule cosine ')).toEqual(['warmup']);
    expect(labels('train {\n  schedule one ')).toEqual(['cycle']);
    expect(labels('train {\n  schedule one cycle ')).toEqual(['max lr']);
    expect(labels('train {\n  schedule step ')).toEqual(['every']);
    expect(labels('train {\n  schedule step every 3 ')).toEqual(['epochs']);
    expect(labels('train {\n  schedule step every 3 epochs ')).toEqual(['times']);
    expect(labels('train {\n  reduce lr on plateau ')).toEqual(['factor', 'patience', 'on']);
    expect(labels('train {\n  reduce lr on plateau factor 0.5 ')).toEqual(['patience', 'on']);
    expect(labels('train {\n  reduce lr on plateau factor ')).toEqual([]);
    expect(labels('train {\n  reduce lr on plateau on val_loss patience 2 ')).toEqual(['factor']);
    expect(labels('train {\n  early ')).toEqual(['stop']);
    expect(labels('train {\n  early stop ')).toEqual(['patience', 'on']);
    expect(labels('train {\n  early stop patience 3 ')).toEqual(['on']);
    expect(labels('train {\n  class ')).toEqual(['weights']);
    expect(labels('train {\n  class weights ')).toEqual(['balanced']);
    expect(labels('fine tune {\n  unfreeze ')).toEqual(['from', 'all']);
    expect(labels('train {\n  loss ')).toEqual(['categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy']);
    expect(labels('fine tune {\n  lr 1e-5 ')).toEqual(['for']);
    expect(labels('train {\n  optimizer adam lr 1e-3 ')).toEqual([]);
    expect(labels('data "d" {\n  on ')).toEqual(['bad image']);
    expect(labels('data "d" {\n  on bad image ')).toEqual(['skip', 'fail']);
    expect(labels('data "d" {\n  shuffle ')).toEqual(['on', 'off']);
    expect(labels('data "d" {\n  image 96x96 grayscale ')).toEqual(['adapt']);
    expect(labels('data "d" {\n  image 96x96 grayscale adapt ')).toEqual(['sum', 'skip']);
    expect(labels('evaluate ')).toEqual(['validation', 'tta', 'threshold']);
    expect(labels('evaluate validation threshold 0.4 ')).toEqual(['tta']);
    expect(labels('evaluate validation threshold 0.4 tta flips ')).toEqual([]);
  });

  it('gives the same answers at the end of a very long line', () => {
    const long = `head { ${'dropout 0.1 '.repeat(5000)}`;
    expect(labels(`${long}dense 12 `)).toEqual(ACTIVATIONS);
    expect(labels(`${long}pool `)).toEqual(['avg', 'max']);
    expect(labels(`head { dense ${'9'.repeat(25000)} `)).toEqual(ACTIVATIONS);
    expect(labels(`head { dense 9 relu ${'9'.repeat(25000)}`)).toEqual([]);
    expect(labels(`  ${'w'.repeat(25000)}`)).toContain('pipeline');
  });
});
