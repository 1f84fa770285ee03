// compile stops at the first stage that finds an error and never returns half a plan; what only
// lowering can find is a TL3xxx diagnostic with a span, never an exception.
import { describe, expect, it } from 'vitest';
import { listModels, modelLayers } from '@tlc/zoo/catalog';
import { compile, COMPILE_CODES } from '../../src/index';
import { errorCodesOf } from './helpers';

describe('compile errors', () => {
  it('syntax and checker errors stop compilation, reported all at once', () => {
    const { plan, diagnostics } = compile('use ResNet50v2 freeze until block9\nhead dense 2\ntrain { epochs 0 }');
    expect(plan).toBeNull();
    expect(diagnostics.map((d) => d.code)).toEqual(['TL2001', 'TL2014']);
  });

  it('warnings alone do not stop it', () => {
    const { plan, diagnostics } = compile('use VGG16\npreprocess rescale 1/255\nhead dense 2');
    expect(diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['TL2006 warning']);
    expect(plan?.notes).toEqual([{ code: 'TL2006', severity: 'warning', message: diagnostics[0].message }]);
  });

  it('TL3005: augment in a model spec has no data pipeline to live in', () => {
    expect(errorCodesOf('augment { flip horizontal }\nuse VGG16 weights none\nhead dense 2')).toEqual(['TL3005']);
  });

  it('TL3004: normalize values that fit no channel count', () => {
    const source = 'use VGG16\npreprocess normalize mean [0.5, 0.5] std [0.2]\nhead dense 2';
    const { diagnostics } = compile(source);
    expect(diagnostics.map((d) => d.code)).toEqual(['TL3004']);
    expect(source.slice(diagnostics[0].span.start, diagnostics[0].span.end)).toBe('[0.5, 0.5]');
  });

  const withoutList = listModels().find((m) => !modelLayers(m.name));
  it.runIf(withoutList)(`TL3001: a model whose layer list is not generated (${withoutList?.name})`, () => {
    expect(errorCodesOf(`use ${withoutList!.name}\nhead dense 2`)).toEqual(['TL3001']);
  });

  it('every compile code has a title', () => {
    for (const [code, title] of Object.entries(COMPILE_CODES)) {
      expect(code).toMatch(/^TL3\d{3}$/);
      expect(title.length).toBeGreaterThan(5);
    }
  });
});
