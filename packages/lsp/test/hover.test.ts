// hover() on a word: every keyword and every value word of the language has a meaning to show,
// and a word that means different things in different statements shows the one it has there.
import { describe, expect, it } from 'vitest';
import { KEYWORDS, VALUE_WORDS } from '@tlc/language';
import { hover } from '../src/hover';
import { KEYWORD_DOCS, VALUE_DOCS } from '../src/keyword-docs';

/** The hover text of the first `word` in `text` (`word` may repeat earlier: pass `nth`). */
function hoverOf(text: string, word: string, nth = 0): string | undefined {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(word, at + 1);
  expect(at, `${word} in ${text}`).toBeGreaterThanOrEqual(0);
  return hover(text, at + 1)?.markdown;
}

describe('hover', () => {
  it('documents every keyword and every value word', () => {
    expect(KEYWORDS.filter((k) => !hover(k, 0))).toEqual([]);
    expect(VALUE_WORDS.filter((v) => !hover(v, 0))).toEqual([]);
  });

  it('documents each training statement of issue 16 where it is written', () => {
    const source = [
      'use MobileNet alpha 0.25 freeze all',
      'head { pool max; dense 3 sigmoid }',
      'augment { fill reflect; channel shift 20; shift width 0.1; zoom 0.9..1.2; mixup 0.2; cutmix 1.0 }',
      'data "d" { resize crop; labels "tags.csv" columns "file" "tags" }',
      'train { schedule cosine warmup 2 epochs; label smoothing 0.1; reduce lr on plateau factor 0.5 patience 2 on val_loss }',
      'fine tune "b5" { unfreeze from block5; batch norm train; lr 1e-5 for block5; schedule one cycle max lr 1e-3 }',
      'fine tune "b4" { unfreeze from layer 40; batch norm frozen; lr 1e-6 .. 1e-4; schedule step every 2 epochs times 0.5; early stop on loss }',
      'evaluate validation tta flips threshold 0.4',
      'export "m" as onnx',
    ].join('\n');
    expect(hoverOf(source, 'cosine')).toBe(VALUE_DOCS.cosine);
    expect(hoverOf(source, 'warmup')).toBe(KEYWORD_DOCS.warmup);
    expect(hoverOf(source, 'epochs')).toBe(VALUE_DOCS.epochs);
    expect(hoverOf(source, 'train', 1)).toBe(VALUE_DOCS.train); // `batch norm train`
    expect(hoverOf(source, 'train')).toBe(KEYWORD_DOCS.train); // the statement
    expect(hoverOf(source, 'frozen')).toBe(VALUE_DOCS.frozen);
    expect(hoverOf(source, 'batch')).toBe(KEYWORD_DOCS.norm);
    expect(hoverOf(source, 'max')).toBe(VALUE_DOCS.max); // `pool max`
    expect(hoverOf(source, 'max', 1)).toBe(KEYWORD_DOCS.max); // `max lr`
    expect(hoverOf(source, 'one')).toBe(VALUE_DOCS.one);
    expect(hoverOf(source, 'step')).toBe(VALUE_DOCS.step);
    expect(hoverOf(source, 'reduce')).toBe(KEYWORD_DOCS.reduce);
    expect(hoverOf(source, ' on val_loss')).toMatch(/watches/);
    expect(hoverOf(source, ' on loss')).toMatch(/watches/);
    expect(hoverOf(source, 'patience')).toBe(KEYWORD_DOCS.patience);
    expect(hoverOf(source, 'reflect')).toBe(VALUE_DOCS.reflect);
    expect(hoverOf(source, 'crop')).toBe(VALUE_DOCS.crop);
    expect(hoverOf(source, 'flips')).toBe(VALUE_DOCS.flips);
    expect(hoverOf(source, 'onnx')).toBe(VALUE_DOCS.onnx);
    expect(hoverOf(source, 'sigmoid')).toBe(VALUE_DOCS.sigmoid);
    expect(hoverOf(source, 'validation')).toBe(VALUE_DOCS.validation); // `evaluate validation`
    for (const word of ['smoothing', 'mixup', 'cutmix', 'channel', 'width', 'zoom', 'labels', 'columns', 'unfreeze', 'layer', 'for', 'threshold', 'tta', 'as', 'every', 'times', 'factor', 'plateau', 'cycle']) {
      expect(hoverOf(source, word), word).toBe(KEYWORD_DOCS[word]);
    }
  });
});
