// The TextMate grammar: generated from the lexer's vocabulary, and tokenised by the engine VS Code
// uses against golden token files for every example.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KEYWORDS, STATEMENT_KEYWORDS, VALUES } from '../../packages/language/src/syntax/tokens';
import { buildGrammar, GRAMMAR_FILE } from '../../grammar/build';
import { renderTokens, tokenize } from './tokenize';

const root = fileURLToPath(new URL('../..', import.meta.url));
const update = process.env.TLC_UPDATE_GOLDEN === '1';

async function scopesOf(text: string): Promise<string[]> {
  const [line] = await tokenize(text);
  return line.map((t) => t.scopes.at(-1) ?? '(none)');
}

describe('grammar/tl.tmLanguage.json', () => {
  it('is the file grammar/build.ts generates from the lexer (run `pnpm grammar` after changing tokens.ts)', () => {
    expect(JSON.parse(readFileSync(GRAMMAR_FILE, 'utf8'))).toEqual(buildGrammar());
  });

  it('gives every lexer keyword a keyword scope', async () => {
    for (const k of KEYWORDS) {
      const [scope] = await scopesOf(k);
      const expected = (STATEMENT_KEYWORDS as readonly string[]).includes(k) || k === 'tune' ? 'keyword.control.tl' : 'keyword.other.tl';
      expect(scope, k).toBe(expected);
    }
  });

  it('colours every value word of every option (schedule kinds, fill modes, batch norm modes, …), never as a plain name', async () => {
    for (const [option, values] of Object.entries(VALUES)) {
      for (const value of values) {
        const scopes = await scopesOf(value);
        expect(scopes.filter((s) => s !== '(none)'), `${option} ${value}`).not.toContain('variable.other.tl');
      }
    }
  });

  it('scopes values, activations, optimizers, numbers, strings, comments and operators', async () => {
    expect(await scopesOf('imagenet')).toEqual(['constant.language.tl']);
    for (const a of VALUES.activation) expect((await scopesOf(a))[0], a).toMatch(/^(support\.function\.activation|keyword)/);
    for (const o of VALUES.optimizer) expect((await scopesOf(o))[0], o).toMatch(/^support\.function\.optimizer/);
    expect(await scopesOf('1e-4')).toEqual(['constant.numeric.tl']);
    expect(await scopesOf('20%')).toEqual(['constant.numeric.percentage.tl']);
    expect(await scopesOf('224x224')).toEqual(['constant.numeric.size.tl']);
    expect(await scopesOf('1/255')).toEqual(['constant.numeric.fraction.tl', 'keyword.operator.fraction.tl', 'constant.numeric.fraction.tl']);
    expect(await scopesOf('0.8..1.2')).toEqual(['constant.numeric.tl', 'keyword.operator.range.tl', 'constant.numeric.tl']);
    expect(await scopesOf('"data/cats"')).toEqual(['punctuation.definition.string.begin.tl', 'string.quoted.double.tl', 'punctuation.definition.string.end.tl']);
    expect(await scopesOf('# a comment')).toEqual(['punctuation.definition.comment.tl', 'comment.line.number-sign.tl']);
    expect(await scopesOf('256 -> 2')).toEqual(['constant.numeric.tl', 'keyword.operator.arrow.tl', 'constant.numeric.tl']);
    expect(await scopesOf('ResNet50V2 block4')).toEqual(['entity.name.type.model.tl', 'variable.other.constant.block.tl']);
    expect(await scopesOf('block4..block5')).toEqual(['variable.other.constant.block.tl', 'keyword.operator.range.tl', 'variable.other.constant.block.tl']);
    expect((await scopesOf('lr 1e-6 .. 1e-4')).filter((s) => s !== '(none)')).toEqual(['keyword.other.tl', 'constant.numeric.tl', 'keyword.operator.range.tl', 'constant.numeric.tl']);
    // `train` after `batch norm` is a mode, not the statement; `max` before `lr` a clause, not `pool max`.
    expect((await scopesOf('batch norm train')).filter((s) => s !== '(none)')).toEqual(['keyword.other.tl', 'keyword.other.tl', 'constant.language.tl']);
    expect((await scopesOf('max lr 1e-2')).filter((s) => s !== '(none)')).toEqual(['keyword.other.tl', 'keyword.other.tl', 'constant.numeric.tl']);
    expect((await scopesOf('pool max')).filter((s) => s !== '(none)')).toEqual(['keyword.other.tl', 'constant.language.tl']);
  });

  const examples = readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.tl'))
    .map((f) => join(root, 'examples', f));
  const samples = readdirSync(join(root, 'test/grammar/samples'))
    .filter((f) => f.endsWith('.tl'))
    .map((f) => join(root, 'test/grammar/samples', f));

  it('has examples to cover', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  for (const file of [...examples, ...samples]) {
    it(`tokenises ${basename(file)} as its golden token file says`, async () => {
      const golden = join(root, 'test/grammar/golden', basename(file).replace(/\.tl$/, '.tokens.txt'));
      const actual = await renderTokens(readFileSync(file, 'utf8'));
      if (update || !existsSync(golden)) {
        if (!update) throw new Error(`missing golden ${golden}: run \`pnpm golden\` and review it`);
        writeFileSync(golden, actual);
      }
      expect(actual).toBe(readFileSync(golden, 'utf8'));
    });
  }
});
