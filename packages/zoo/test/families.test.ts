// One folder per family (src/families/<family>/): the catalog entry point reaches only the
// families' catalog.ts files, never tfjs, and the catalog and the builders name the same models.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAMILIES, modelNames } from '../src/catalog/index';
import { BUILDERS } from '../src/builders/index';

const CATALOG = fileURLToPath(new URL('../src/catalog/index.ts', import.meta.url));

/** Every file the catalog entry point imports, transitively, and every package those import. */
function importsOf(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, from] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gm)) {
      if (!from.startsWith('.')) packages.add(from);
      else visit([`${resolve(dirname(file), from)}.ts`, resolve(dirname(file), from)].find(existsSync)!);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('model families', () => {
  it('the catalog entry point imports the families’ catalog.ts files and no tfjs', () => {
    const { files, packages } = importsOf(CATALOG);
    expect([...packages].filter((p) => p.startsWith('@tensorflow'))).toEqual([]);
    const families = [...files].filter((f) => f.includes('/families/')).map((f) => f.slice(f.indexOf('/families/') + 1));
    expect(families.filter((f) => !f.endsWith('/catalog.ts'))).toEqual([]);
    expect(families).toHaveLength(Object.keys(FAMILIES).length);
  });

  it('files each model under the family its entry names, and builds every catalog model', () => {
    for (const [family, models] of Object.entries(FAMILIES)) for (const m of models) expect(m.family, m.name).toBe(family);
    expect(Object.keys(BUILDERS).sort()).toEqual(modelNames().sort());
  });
});
