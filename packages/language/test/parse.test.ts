// The parser: every construct of the language brief reads into the AST, and mistakes become
// catalog diagnostics with recovery by statement.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEYWORDS, messages, parse, VALUE_WORDS } from '../src/index';
import type { Program, Statement } from '../src/index';

function ok(source: string): Program {
  const { program, diagnostics } = parse(source);
  expect(diagnostics).toEqual([]);
  return program;
}

function only<K extends Statement['kind']>(program: Program, kind: K): Extract<Statement, { kind: K }> {
  const found = program.statements.filter((s) => s.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<Statement, { kind: K }>;
}

describe('parse', () => {
  it('reads the design-card one-liner', () => {
    const program = ok('use ResNet50V2 weights imagenet freeze until block4; head dense 256 -> 2; preprocess native');
    expect(program.statements.map((s) => s.kind)).toEqual(['Use', 'Head', 'Preprocess']);
    const use = only(program, 'Use');
    expect(use.model?.name).toBe('ResNet50V2');
    expect(use.weights?.source).toMatchObject({ kind: 'Identifier', name: 'imagenet' });
    expect(use.freeze).toMatchObject({ mode: 'until', until: { kind: 'Identifier', name: 'block4' } });
    const head = only(program, 'Head');
    expect(head.form).toBe('shorthand');
    expect(head.sizes.map((n) => n.value)).toEqual([256, 2]);
    expect(only(program, 'Preprocess').mode?.name).toBe('native');
  });

  it('reads the literal forms', () => {
    const program = ok(`data "d" {
  image 96x96 grayscale adapt skip
  validation 20% seed 42
  on bad image skip
  shuffle on seed 7
}
augment { brightness 0.8..1.2; rotate 20; flip horizontal vertical }
use MobileNetV2 alpha 0.5 weights "w/my model.h5" cut after block3
preprocess normalize mean [0.5, 0.5, 0.5] std [0.25, 0.25, 0.25]
train { optimizer sgd lr 0.01 momentum 0.9; lr 1e-4; class weights balanced }
`);
    const data = only(program, 'Data');
    expect(data.settings[0]).toMatchObject({ kind: 'Image', size: { width: 96, height: 96 }, color: { name: 'grayscale' }, adapt: { name: 'skip' } });
    expect(data.settings[1]).toMatchObject({ kind: 'Validation', fraction: { value: 0.2, raw: '20%' }, seed: { value: 42 } });
    expect(data.settings[2]).toMatchObject({ kind: 'OnBadImage', action: { name: 'skip' } });
    const augment = only(program, 'Augment');
    expect(augment.settings[0]).toMatchObject({ kind: 'Brightness', range: { min: { value: 0.8 }, max: { value: 1.2 } } });
    expect(augment.settings[2]).toMatchObject({ kind: 'Flip', directions: [{ name: 'horizontal' }, { name: 'vertical' }] });
    const use = only(program, 'Use');
    expect(use.alpha?.value?.value).toBe(0.5);
    expect(use.weights?.source).toMatchObject({ kind: 'String', value: 'w/my model.h5' });
    expect(use.cut?.after).toMatchObject({ name: 'block3' });
    const pre = only(program, 'Preprocess');
    expect(pre.mean?.values.map((v) => v.value)).toEqual([0.5, 0.5, 0.5]);
    expect(pre.std?.values.map((v) => v.value)).toEqual([0.25, 0.25, 0.25]);
    const train = only(program, 'Stage');
    expect(train.settings[0]).toMatchObject({ kind: 'Optimizer', name: { name: 'sgd' }, lr: { value: 0.01 }, momentum: { value: 0.9 } });
    expect(train.settings[1]).toMatchObject({ kind: 'LearningRate', value: { value: 1e-4, raw: '1e-4' } });
    expect(train.settings[2]).toMatchObject({ kind: 'ClassWeights', balanced: { name: 'balanced' } });
    expect(ok('preprocess rescale 1/255').statements[0]).toMatchObject({ scale: { kind: 'Fraction', numerator: 1, denominator: 255 } });
  });

  it('reads fine tune as two words, early stop, unfreeze, class weight blocks and strings with escapes', () => {
    const program = ok(`train {
  epochs 10
  early stop patience 3 on val_loss
  class weights { cat 1; "golden retriever" 2.5 }
}
fine tune {   # stage 2
  unfreeze from "conv5_block1_out"
}
export "models/a \\"b\\""
`);
    const [train, fine] = program.statements.filter((s) => s.kind === 'Stage');
    expect(train).toMatchObject({ stage: 'train' });
    expect(fine).toMatchObject({ stage: 'fineTune', settings: [{ kind: 'Unfreeze', from: { kind: 'String', value: 'conv5_block1_out' } }] });
    expect(train.kind === 'Stage' && train.settings[1]).toMatchObject({ kind: 'EarlyStop', patience: { value: 3 }, monitor: { name: 'val_loss' } });
    expect(train.kind === 'Stage' && train.settings[2]).toMatchObject({
      entries: [{ className: { name: 'cat' }, weight: { value: 1 } }, { className: { value: 'golden retriever' }, weight: { value: 2.5 } }],
    });
    expect(only(program, 'Export').path?.value).toBe('models/a "b"');
    expect(program.comments).toEqual([{ kind: 'Comment', text: ' stage 2', span: expect.any(Object) }]);
  });

  it('keeps spans that point at the source text', () => {
    const source = 'use VGG16 freeze until "block3_pool"';
    const use = only(ok(source), 'Use');
    expect(source.slice(use.model!.span.start, use.model!.span.end)).toBe('VGG16');
    expect(source.slice(use.freeze!.until!.span.start, use.freeze!.until!.span.end)).toBe('"block3_pool"');
    expect(use.span).toEqual({ start: 0, end: source.length });
  });

  it('reports five independent mistakes in one run', () => {
    const source = `usee ResNet50V2
data "x" {
  image 224x224 rgb
  rotat 20
}
head dense 2 3
train {
  epochs
  optimizer adam lr 1e-3
}
export "unterminated
`;
    const codes = parse(source).diagnostics.map((d) => d.code);
    expect(codes).toEqual(['TL1003', 'TL1004', 'TL1008', 'TL1007', 'TL1002']);
  });

  it('uses catalog messages, not the parser generator\'s text', () => {
    const [d] = parse('use 42').diagnostics;
    expect(d.message).toBe(messages.expected('a model name', 'use', '`42`').message);
    const [unknown] = parse('usee ResNet50').diagnostics;
    expect(unknown.help).toBe('did you mean `use`?');
    const [fine] = parse('finetune { epochs 2 }').diagnostics;
    expect(fine.help).toBe('did you mean `fine tune`?');
  });

  it('suggests the keyword a split or joined word meant (`mix up`, `earlystop`)', () => {
    const help = (source: string) => parse(source).diagnostics.map((d) => d.help);
    expect(help('augment { mix up 0.2 }')).toEqual(['did you mean `mixup`?']);
    expect(help('augment { cut mix 1.0 }')).toEqual(['did you mean `cutmix`?']);
    expect(help('head { drop out 0.2 }')).toEqual(['did you mean `dropout`?']);
    expect(help('head { batch norm }')).toEqual(['did you mean `batchnorm`?']);
    expect(help('train { batchnorm frozen }')).toEqual(['did you mean `batch norm`?']);
    expect(help('train { earlystop patience 2 }')).toEqual(['did you mean `early stop`?']);
    expect(help('fine tune { un freeze all }')).toEqual(['did you mean `unfreeze`?']);
    expect(help('data "a" { onbadimage skip }')).toEqual(['did you mean `on bad image`?']);
    expect(help('augment { channelshift 20 }')).toEqual(['did you mean `channel shift`?']);
    expect(help('pre process rescale')).toEqual(['did you mean `preprocess`?']);
    // Only the next word on the same line joins: `mix` alone says where `mix…` might belong, no guess.
    expect(help('augment {\n  mix\n  up 0.2\n}')[0]).not.toBe('did you mean `mixup`?');
  });

  it('ends a block whose `}` is missing at the next statement', () => {
    const { program, diagnostics } = parse('train {\n  epochs 3\nhead dense 2\n');
    expect(diagnostics.map((d) => d.code)).toEqual(['TL1005']);
    expect(program.statements.map((s) => s.kind)).toEqual(['Stage', 'Head']);
  });

  it('reports a stray `}` and an unexpected character', () => {
    expect(parse('}\nuse VGG16 @').diagnostics.map((d) => d.code)).toEqual(['TL1006', 'TL1001']);
  });

  it('matches only words of the exported keyword and value lists', () => {
    const parser = readFileSync(new URL('../src/syntax/parser.ts', import.meta.url), 'utf8');
    const words = [...parser.matchAll(/(?:isWord|expectWord)\('([a-z_]+)'/g)].map((m) => m[1]);
    expect(words.length).toBeGreaterThan(10);
    for (const word of words) expect([...KEYWORDS, ...VALUE_WORDS], word).toContain(word);
    expect(KEYWORDS).toEqual([...new Set(KEYWORDS)].sort());
  });
});
