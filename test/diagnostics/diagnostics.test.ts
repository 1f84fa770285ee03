// Golden diagnostics: each test/diagnostics/NAME.tl checked and rendered (no colour) must equal
// NAME.diagnostics.txt. Together the cases cover every code `tlc check` can report. The cases in
// files/ are checked with a view of the disk (files/ holds the folders and files they name). A
// case about one code is named for it (TL2012-freeze-after-cut.tl); cases about the interplay of
// several, or about the form of the source, are not.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, CODES, nodeFiles, renderPretty } from '../../packages/language/src/index';
import { expectGolden, UPDATE_GOLDEN } from './golden';

const folder = new URL('./', import.meta.url);
/** Cases checked against the file system, as `tlc check` does: paths resolve against files/. */
const withFiles = new URL('files/', folder);
const cases = [
  ...readdirSync(folder).filter((f) => f.endsWith('.tl')).sort(),
  ...readdirSync(withFiles).filter((f) => f.endsWith('.tl')).sort().map((f) => `files/${f}`),
];
const seen = new Set<string>();

describe('diagnostics goldens', () => {
  for (const name of cases) {
    it(name, () => {
      const source = readFileSync(new URL(name, folder), 'utf8');
      const { diagnostics } = analyze(source, name.startsWith('files/') ? { files: nodeFiles(withFiles.pathname) } : {});
      for (const d of diagnostics) seen.add(d.code);
      const rendered = diagnostics.length === 0 ? '(no diagnostics)\n' : renderPretty(diagnostics, source, name, { color: false });
      expectGolden(new URL(name.replace(/\.tl$/, '.diagnostics.txt'), folder).pathname, rendered);
    });
  }

  it('are named for their code when they report one code (but for the cases about the form of the source)', () => {
    const aboutTheForm = new Set(['byte-order-mark.tl', 'long-form.tl']);
    const misnamed = cases.filter((name) => {
      const base = name.split('/').pop()!;
      if (aboutTheForm.has(base)) return false;
      const text = readFileSync(new URL(name.replace(/\.tl$/, '.diagnostics.txt'), folder), 'utf8');
      const codes = new Set([...text.matchAll(/^\w+\[(TL\d{4})\]/gm)].map((m) => m[1]));
      return codes.size === 1 ? !base.startsWith(`${[...codes][0]}-`) : /^TL\d{4}-/.test(base);
    });
    expect(misnamed, 'rename them CODE-what.tl (and their .diagnostics.txt)').toEqual([]);
  });

  it('cover every code that check reports, in at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const checkCodes = Object.keys(CODES).filter((c) => !c.startsWith('TL4'));
    if (!UPDATE_GOLDEN) expect(checkCodes.filter((c) => !seen.has(c))).toEqual([]);
  });
});
