// Every code in the catalog has an explanation page, and each page's failing example produces
// exactly its code while the fixed example does not (run-time codes are reported by the runtime,
// so for them the check only proves the examples are otherwise clean).
import { describe, expect, it } from 'vitest';
import { analyze, CODES, explainPage, listCodes, pageExamples } from '../src/index';

const codes = Object.keys(CODES);

describe('explain pages', () => {
  it('exist for every catalog code and nothing else', () => {
    expect(listCodes().map((c) => c.code)).toEqual([...codes].sort());
    for (const { code, title } of listCodes()) expect(title).toBe(CODES[code as keyof typeof CODES]);
  });

  it('are found in any case and not for unknown codes', () => {
    expect(explainPage('tl2001')).toBe(explainPage('TL2001'));
    expect(explainPage('TL9999')).toBeUndefined();
    expect(explainPage('../../package')).toBeUndefined();
  });

  for (const code of codes) {
    it(`${code}: the example produces exactly ${code} and the fix does not`, () => {
      const examples = pageExamples(explainPage(code)!);
      expect(examples).toHaveLength(2);
      const [failing, fixed] = examples.map((source) => analyze(source).diagnostics.map((d) => d.code));
      if (code.startsWith('TL4')) expect(failing).toEqual([]);
      else expect(failing).toEqual([code]);
      expect(fixed).toEqual([]);
    });
  }
});
