// The checker on cases the goldens do not pin: freeze-point order with quoted layer names, the
// default freeze, cascades after syntax errors, messages that come from the catalog, and the
// rule list's code tags.
import { readdirSync, readFileSync } from 'node:fs';
import { findModel, modelLayers } from '@tlc/zoo/catalog';
import { describe, expect, it } from 'vitest';
import { analyze, check, CODES, messages, nodeFiles, parse } from '../src/index';
import { RULES } from '../src/check/index';
import { createContext } from '../src/check/context';

const codes = (source: string) => analyze(source).diagnostics.map((d) => d.code);
const BASE = 'use VGG16 weights imagenet freeze until block3\nhead dense 256 -> 2\n';

describe('check', () => {
  it('accepts the design-card one-liner', () => {
    expect(codes('use ResNet50V2 weights imagenet freeze until block4; head dense 256 -> 2; preprocess native')).toEqual([]);
  });

  it('orders quoted layer names and block aliases by the model\'s layer list', () => {
    const layers = modelLayers('VGG16')!;
    expect(layers).toContain('block3_conv1');
    // block3_conv1 starts before block3 ends: unfreezing it unfreezes frozen layers.
    expect(codes(`${BASE}fine tune { unfreeze from "block3_conv1" }`)).toEqual([]);
    // block4_conv1 comes after block3's last layer: nothing frozen from there on.
    expect(codes(`${BASE}fine tune { unfreeze from "block4_conv1" }`)).toEqual(['TL2020']);
    // Freezing until a layer inside block4, then unfreezing block4 (which starts earlier): fine.
    expect(codes('use VGG16 freeze until "block4_conv2"\nhead dense 2\nfine tune { unfreeze from block4 }')).toEqual([]);
  });

  it('treats a pipeline without `freeze` as frozen with pretrained weights and trainable without', () => {
    expect(codes('use VGG16\nhead dense 2\nfine tune { unfreeze from block5 }')).toEqual([]);
    expect(codes('use VGG16 weights none\nhead dense 2\nfine tune { epochs 2 }')).toEqual(['TL2018']);
    expect(codes('augment { flip horizontal }\nuse VGG16 weights none\nhead dense 2')).toEqual([]);
  });

  it('leaves out missing use/head when a syntax error may have eaten them', () => {
    expect(codes('usee VGG16\nhead dense 2')).toEqual(['TL1003']);
    expect(check(parse('usee VGG16\nhead dense 2').program).map((d) => d.code)).toEqual(['TL2002']);
  });

  it('warns about rescaling only for ImageNet weights, and says "if" for a weights file in grayscale', () => {
    const rescale = 'preprocess rescale 1/255\nhead dense 2\n';
    expect(codes(`use VGG16 weights imagenet\n${rescale}`)).toEqual(['TL2006']);
    // A file may hold weights trained with rescaling (a pipeline of the user's own): no warning.
    expect(codes(`use VGG16 weights "base/model.json"\n${rescale}`)).toEqual([]);
    const gray = (weights: string) =>
      analyze(`data "d" { image 64x64 grayscale }\nuse VGG16 weights ${weights}\nhead dense 2\n`).diagnostics;
    expect(gray('imagenet').map((d) => d.message)).toEqual([messages.grayscaleWithRgbWeights('block1_conv1', 'sum').message]);
    const fromFile = gray('"base.h5"');
    expect(fromFile.map((d) => d.code)).toEqual(['TL2008']);
    expect(fromFile[0].message).toContain('if its first convolution `block1_conv1` takes RGB');
  });

  it('stays quiet about the model when the model is unknown', () => {
    expect(codes('use VGG61 alpha 3 freeze until block9\nhead dense 2\ndata "d" { image 8x8 }')).toEqual(['TL2001']);
  });

  it('uses the catalog for every message', () => {
    const [d] = analyze('use VGG16 freeze until block9\nhead dense 2').diagnostics;
    const vgg = findModel('VGG16')!;
    const expected = messages.unknownPoint('block9', 'VGG16', vgg.blocks.map((b) => b.name), undefined);
    expect(d).toMatchObject({ code: expected.code, message: expected.message, help: expected.help });
    expect(expected.help).toBe('valid freeze points for VGG16 are block1 … block5, or a quoted Keras layer name');
  });

  it('reports diagnostics in source order', () => {
    const { diagnostics } = analyze('data "d" { batch 0 }\nuse VGG16 weights none freeze all\nhead dense 2 -> 0');
    const starts = diagnostics.map((d) => d.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(diagnostics.map((d) => d.code)).toEqual(['TL2014', 'TL2007', 'TL2014']);
  });

  it('lets each optimizer take exactly the settings its Keras 3 class has (TL2026)', () => {
    const train = (optimizer: string) => codes(`${BASE}train { optimizer ${optimizer} }`);
    for (const name of ['sgd', 'rmsprop']) {
      expect(train(`${name} lr 0.01 momentum 0.9 decay 1e-4`), name).toEqual([]);
    }
    for (const name of ['adam', 'adamw']) {
      expect(train(`${name} lr 0.01 decay 1e-4`), name).toEqual([]);
      expect(train(`${name} lr 0.01 momentum 0.9`), name).toEqual(['TL2026']);
    }
    // In `fine tune` too, and pointed at the clause itself.
    const source = `${BASE}fine tune { optimizer adamw momentum 0.5 }`;
    const [diagnostic] = analyze(source).diagnostics;
    expect(source.slice(diagnostic.span.start, diagnostic.span.end)).toBe('momentum 0.5');
  });

  it('warns about `normalize` constants only where they differ from the weights\' own (TL2027)', () => {
    const with_ = (model: string, normalize: string, extra = '') =>
      codes(`${extra}use ${model} weights imagenet freeze all\npreprocess normalize ${normalize}\nhead dense 2`);
    const torch = 'mean [0.485, 0.456, 0.406] std [0.229, 0.224, 0.225]';
    expect(with_('VGG16', torch)).toEqual(['TL2027']);
    expect(with_('DenseNet121', torch)).toEqual([]);
    // tf's x / 127.5 - 1, written as a normalisation of 0..1 pixels, and as one value for all.
    expect(with_('ResNet50V2', 'mean [0.5, 0.5, 0.5] std [0.5, 0.5, 0.5]')).toEqual([]);
    expect(with_('ResNet50V2', 'mean [0.5] std [0.5]')).toEqual([]);
    expect(with_('ResNet50V2', torch)).toEqual(['TL2027']);
    // caffe's constants in RGB order are still not caffe: the first convolution reads BGR.
    expect(with_('VGG16', 'mean [123.68, 116.779, 103.939] std [1]')).toEqual(['TL2027']);
    // Grayscale compares the averaged constants the compiler uses.
    expect(with_('DenseNet121', 'mean [0.449] std [0.226]', 'data "d" { image 224x224 grayscale }\n')).toEqual(['TL2008']);
    // Random weights have no preprocessing of their own; a file gets an info.
    expect(codes(`use VGG16 weights none\npreprocess normalize ${torch}\nhead dense 2`)).toEqual([]);
    const file = analyze(`use VGG16 weights "w.h5" freeze all\npreprocess normalize ${torch}\nhead dense 2`).diagnostics;
    expect(file.map((d) => [d.code, d.severity])).toEqual([['TL2027', 'info']]);
  });

  it('tags each rule with exactly the codes it reports, and every meaning code with one rule', () => {
    const tagged = RULES.flatMap((r) => r.codes);
    expect([...tagged].sort()).toEqual(Object.keys(CODES).filter((c) => c.startsWith('TL2')).sort());
    const goldens = new URL('../../../test/diagnostics/', import.meta.url);
    const cases = [
      ...readdirSync(goldens).filter((f) => f.endsWith('.tl')).map((f) => ({ file: new URL(f, goldens), files: undefined })),
      ...readdirSync(new URL('files/', goldens)).filter((f) => f.endsWith('.tl')).map((f) => ({ file: new URL(`files/${f}`, goldens), files: nodeFiles(new URL('files/', goldens).pathname) })),
    ];
    const reported = new Set<string>();
    for (const { file, files } of cases) {
      const context = createContext(parse(readFileSync(file, 'utf8')).program, files);
      for (const { codes, rule } of RULES) {
        for (const d of rule(context)) {
          expect(codes, `${file.pathname}: ${d.code}`).toContain(d.code);
          reported.add(d.code);
        }
      }
    }
    expect(tagged.filter((c) => !reported.has(c))).toEqual([]);
    // A golden named for a code reports that code.
    for (const { file } of cases) {
      const name = file.pathname.split('/').pop()!;
      const code = /^(TL\d{4})-/.exec(name)?.[1];
      if (code) expect(readFileSync(file.pathname.replace(/\.tl$/, '.diagnostics.txt'), 'utf8'), name).toContain(`[${code}]`);
    }
  });
});
