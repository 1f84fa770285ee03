// Every diagnostic code any package reports has a `tlc explain` page, and every page explains a
// code that exists. The language's own codes are proved by their examples in
// packages/language/test/explain.test.ts; the run-time codes (TL3101, TL4xxx) are raised by the
// runtime and the CLI, so here their pages' examples must at least compile cleanly.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CODES, compile, COMPILE_CODES, explainPage, listCodes, pageExamples } from '@tlc/language';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Codes written as string literals in the packages' sources, with a file each appears in. */
function codesInSources(): Map<string, string> {
  const found = new Map<string, string>();
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', pkg, 'src');
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const file of sourceFiles(src)) {
      for (const [code] of readFileSync(file, 'utf8').matchAll(/(?<=['"`[])TL\d{4}(?=['"`:\]])/g)) {
        if (!found.has(code)) found.set(code, file.slice(root.length));
      }
    }
  }
  return found;
}

const languageCodes = new Set([...Object.keys(CODES), ...Object.keys(COMPILE_CODES)]);
const used = codesInSources();
const runtimeCodes = [...used.keys()].filter((code) => !languageCodes.has(code)).sort();

describe('diagnostic codes and their pages', () => {
  it('finds the run-time codes in the sources (the scan works)', () => {
    expect(runtimeCodes).toContain('TL4101');
    expect(runtimeCodes).toContain('TL4301');
  });

  it('has a page for every code a package reports', () => {
    const missing = [...used].filter(([code]) => explainPage(code) === undefined).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('has no page for a code nothing reports', () => {
    const orphans = listCodes()
      .map((c) => c.code)
      .filter((code) => !languageCodes.has(code) && !used.has(code));
    expect(orphans).toEqual([]);
  });

  it('the user docs cite only codes that have a page', () => {
    const docs = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))];
    const cited = docs.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bTL\d{4}\b/g)].map(([code]) => `${code} (${file.slice(root.length)})`));
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((entry) => explainPage(entry.slice(0, 6)) === undefined)).toEqual([]);
  });

  for (const code of runtimeCodes) {
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
