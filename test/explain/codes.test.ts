// Every diagnostic code has a `tlc explain` page titled as its catalog says, and every page
// explains a catalog code. The catalogs are where codes are written: the language's (check and
// compile), the plan's (TL3101), the plan check's (TL3102 and up), the runtime's (TL4xxx) and the
// zoo's weights errors (TL44xx).
// The language's own codes are proved by their examples in packages/language/test/explain.test.ts;
// the run-time codes are raised when a pipeline runs, so here their pages' examples must at least
// compile cleanly.
import { describe, expect, it } from 'vitest';
import { CODES, compile, COMPILE_CODES, explainPage, listCodes, pageExamples, PLAN_CHECK_CODES } from '@tlc/language';
import { PLAN_CODES } from '@tlc/plan';
import { RUNTIME_CODES } from '../../packages/runtime/src/messages';
import { WEIGHTS_CODES } from '../../packages/zoo/src/weights/errors';

const CATALOGS: Record<string, Record<string, string>> = {
  language: CODES,
  compiler: COMPILE_CODES,
  plan: PLAN_CODES,
  'plan check': PLAN_CHECK_CODES,
  runtime: RUNTIME_CODES,
  weights: WEIGHTS_CODES,
};
const RUN_TIME = new Set([...Object.keys(PLAN_CODES), ...Object.keys(PLAN_CHECK_CODES), ...Object.keys(RUNTIME_CODES), ...Object.keys(WEIGHTS_CODES)]);
const titles = new Map(Object.values(CATALOGS).flatMap((catalog) => Object.entries(catalog)));

describe('diagnostic codes and their pages', () => {
  it('no code is in two catalogs', () => {
    const count = Object.values(CATALOGS).reduce((n, catalog) => n + Object.keys(catalog).length, 0);
    expect(titles.size).toBe(count);
  });

  it('has a page for every catalog code, titled as its catalog says', () => {
    const pages = new Map(listCodes().map((c) => [c.code, c.title]));
    const wrong = [...titles].filter(([code, title]) => pages.get(code) !== title).map(([code, title]) => `${code}: page ${JSON.stringify(pages.get(code))}, catalog ${JSON.stringify(title)}`);
    expect(wrong).toEqual([]);
  });

  it('has no page for a code no catalog defines', () => {
    expect(listCodes().map((c) => c.code).filter((code) => !titles.has(code))).toEqual([]);
  });

  for (const code of [...RUN_TIME].sort()) {
    it(`${code}: the page says it is reported at run time and its examples compile cleanly`, () => {
      const page = explainPage(code)!;
      expect(page).toMatch(new RegExp(`^# ${code}: \\S`));
      expect(page).toContain('Reported when a pipeline runs');
      const examples = pageExamples(page);
      expect(examples).toHaveLength(2);
      for (const source of examples) {
        expect(compile(source).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      }
    });
  }
});
