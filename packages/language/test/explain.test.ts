// Every code of the language's catalogs (check and compile) has an explanation page, and each
// page's failing example produces exactly its code while the fixed example is clean. Codes that
// no source can produce (a missing generated file, an internal error, a run-time check) are
// listed with the reason; for them the test proves the examples are otherwise clean.
import { describe, expect, it } from 'vitest';
import { analyze, CODES, compile, COMPILE_CODES, explainPage, listCodes, pageExamples } from '../src/index';

const TITLES: Record<string, string> = { ...CODES, ...COMPILE_CODES };

/** Codes whose example cannot fail from source alone, and why. */
const NOT_FROM_SOURCE: Record<string, string> = {
  TL3001: 'needs a checkout whose generated layer list is missing',
  TL3002: 'needs a layer list that disagrees with the catalog',
  TL3006: 'an internal error no source is known to trigger',
  TL2028: 'needs the file system, which a page example does not have (test/diagnostics/files has goldens)',
  TL2029: 'needs the file system, which a page example does not have (test/diagnostics/files has goldens)',
  TL2054: 'needs the file system, which a page example does not have (test/diagnostics/files has goldens)',
  TL2030: 'needs the data folder on disk (test/diagnostics/files has goldens; the runtime reports it too)',
};

function codesOf(source: string, code: string): string[] {
  if (code.startsWith('TL3')) return compile(source).diagnostics.map((d) => d.code);
  return analyze(source).diagnostics.map((d) => d.code);
}

describe('explain pages', () => {
  it('exist for every catalog code, titled as the catalog says', () => {
    const pages = new Map(listCodes().map((c) => [c.code, c.title]));
    for (const [code, title] of Object.entries(TITLES)) expect(pages.get(code), code).toBe(title);
  });

  it('are found in any case and not for unknown codes', () => {
    expect(explainPage('tl2001')).toBe(explainPage('TL2001'));
    expect(explainPage('TL9999')).toBeUndefined();
    expect(explainPage('../../package')).toBeUndefined();
  });

  for (const code of Object.keys(TITLES)) {
    it(`${code}: the example produces exactly ${code} and the fix does not`, () => {
      const examples = pageExamples(explainPage(code)!);
      expect(examples).toHaveLength(2);
      const [failing, fixed] = examples.map((source) => codesOf(source, code));
      expect(failing).toEqual(code in NOT_FROM_SOURCE ? [] : [code]);
      expect(fixed).toEqual([]);
    });
  }
});
