// Every code in the catalog has an explanation page, and each page's failing example produces
// exactly its code while the fixed example does not (run-time codes are reported by the runtime,
// so for them the check only proves the examples are otherwise clean). Compiler codes (TL3xxx)
// are checked through compile(); those only an inconsistent zoo or a compiler bug can raise get
// the same treatment as run-time codes.
import { describe, expect, it } from 'vitest';
import { analyze, CODES, compile, COMPILE_CODES, explainPage, listCodes, pageExamples } from '../src/index';

const TITLES: Record<string, string> = { ...CODES, ...COMPILE_CODES };
const codes = Object.keys(TITLES);
const NOT_FROM_SOURCE = new Set(['TL3001', 'TL3002', 'TL3006']);
const codesOf = (code: string, source: string) =>
  (code.startsWith('TL3') ? compile(source) : analyze(source)).diagnostics.map((d) => d.code);

describe('explain pages', () => {
  it('exist for every catalog code and nothing else', () => {
    expect(listCodes().map((c) => c.code)).toEqual([...codes].sort());
    for (const { code, title } of listCodes()) expect(title).toBe(TITLES[code]);
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
      const [failing, fixed] = examples.map((source) => codesOf(code, source));
      if (code.startsWith('TL4') || NOT_FROM_SOURCE.has(code)) expect(failing).toEqual([]);
      else expect(failing).toEqual([code]);
      expect(fixed).toEqual([]);
    });
  }
});
