// compile never throws: whatever the checker lets through lowers to a valid plan or to a
// diagnostic. Random edits of the examples (lines dropped or repeated, words swapped for other
// words of the language or for values) probe the gaps between checker and compiler.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, KEYWORDS, VALUE_WORDS } from '../../src/index';

const folder = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const examples = readdirSync(folder)
  .filter((f) => f.endsWith('.tl'))
  .map((f) => readFileSync(folder + f, 'utf8'));
const words = [...KEYWORDS, ...VALUE_WORDS, 'block1', 'block3', 'block9', '"block2_pool"', '"w.pt"', '[1, 2]', '1', '0', '1/255', '96x96', '\n', ';'];

const edit = fc.oneof(
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeatLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replaceWord' as const), at: fc.nat(), word: fc.constantFrom(...words) }),
);

function apply(source: string, edits: { kind: string; at: number; word?: string }[]): string {
  let lines = source.split('\n');
  for (const e of edits) {
    const i = e.at % lines.length;
    if (e.kind === 'dropLine') lines = lines.filter((_, j) => j !== i);
    else if (e.kind === 'repeatLine') lines.splice(i, 0, lines[i]);
    else {
      const tokens = lines[i].split(' ');
      tokens[e.at % tokens.length] = e.word!;
      lines[i] = tokens.join(' ');
    }
    if (lines.length === 0) lines = [''];
  }
  return lines.join('\n');
}

describe('compile on edited examples', () => {
  it('returns a plan or diagnostics, never an exception', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(edit, { minLength: 1, maxLength: 4 }), (example, edits) => {
        const { plan, diagnostics } = compile(apply(example, edits), { file: 'edited.tl' });
        expect(plan !== null || diagnostics.some((d) => d.severity === 'error')).toBe(true);
        expect(diagnostics.filter((d) => d.code === 'TL3006')).toEqual([]);
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});
