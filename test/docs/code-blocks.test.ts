// Every ```tl block of the user docs compiles without errors: a reader who copies one gets a
// pipeline tlc accepts. A block that shows one statement or block (`augment { … }`, a `fine tune`)
// is compiled inside the smallest pipeline around it: a `use` and a `head` where it has none, and
// a `data` folder where it augments without one. The examples/ are compiled by test/plans.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, parse } from '@tlc/language';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files = ['README.md', ...readdirSync(`${root}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The ```tl blocks of a Markdown file, with the line each starts on. */
function tlBlocks(markdown: string): { line: number; code: string }[] {
  return [...markdown.matchAll(/^```tl\n([\s\S]*?)^```$/gm)].map((m) => ({ line: markdown.slice(0, m.index).split('\n').length, code: m[1]! }));
}

/** The block as a whole pipeline: what it lacks of the statements every pipeline needs. */
function inPipeline(code: string): string {
  const kinds = new Set(parse(code).program.statements.map((s) => s.kind));
  const prelude = [
    kinds.has('Augment') && !kinds.has('Data') ? 'data "photos"' : '',
    kinds.has('Use') ? '' : 'use MobileNet alpha 0.25 weights imagenet freeze all',
    kinds.has('Head') ? '' : 'head dense 2',
  ].filter(Boolean);
  return [...prelude, code].join('\n');
}

const blocks = files.flatMap((file) => tlBlocks(readFileSync(`${root}${file}`, 'utf8')).map((b) => ({ ...b, file })));

describe('```tl blocks of the docs', () => {
  it('has the language reference\'s blocks to check', () => {
    expect(blocks.filter((b) => b.file === 'docs/language.md').length).toBeGreaterThanOrEqual(10);
  });

  for (const { file, line, code } of blocks) {
    it(`${file}:${line} compiles without errors`, () => {
      const { diagnostics } = compile(inPipeline(code));
      expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });
  }
});
