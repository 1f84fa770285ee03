// One mistake, one diagnostic: a misspelt keyword in any statement or setting gives its syntax
// error and no checker diagnostic that the correct source did not already have. (The parser
// keeps the half-parsed node; the checker's value rules must not read it: check/settled.ts.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze, KEYWORDS } from '../src/index';

const everyConstruct = readFileSync(new URL('../../../test/format/every-construct.tl', import.meta.url), 'utf8');

/** The stage settings every-construct.tl leaves out, and the shorthand head. */
const stages = `pipeline "stages"
data "photos" { image 96x96 }
use MobileNetV2 weights imagenet freeze all
head dense 64 -> 3
train {
  epochs 12
  optimizer adamw lr 1e-3 decay 1e-4
  schedule cosine warmup 2 epochs
  precision float32
  batch norm frozen
}
fine tune "top" {
  unfreeze from block4
  epochs 8
  lr 1e-5 for block4..block5
  reduce lr on plateau factor 0.5 patience 2 on val_loss
  early stop patience 3 on val_loss
}
fine tune "all" {
  unfreeze all
  epochs 6
  schedule one cycle max lr 1e-4
}
fine tune "steps" {
  epochs 6
  schedule step every 2 epochs times 0.5
}
evaluate validation tta flips
export "out" as tfjs
`;

/** Stages whose settings fit their epochs but not the default 10: a lost `epochs` must not make them wrong. */
const longStages = `use MobileNetV2 weights imagenet freeze all
head dense 64 -> 3
train {
  epochs 30
  schedule cosine warmup 12 epochs
  early stop patience 12
}
fine tune "steps" {
  epochs 30
  schedule step every 12 epochs times 0.5
  reduce lr on plateau patience 12 on val_loss
  early stop patience 20 on val_loss
}
`;

const keywords = new Set(KEYWORDS);

/** Each misspelling of a keyword of the source: its last letter doubled, or dropped where that leaves a word. */
function misspellings(source: string): { source: string; word: string; line: number }[] {
  const result: { source: string; word: string; line: number }[] = [];
  for (const match of source.matchAll(/(?<![\w"#.-])[a-z_]+(?![\w"])/g)) {
    const word = match[0];
    const start = match.index;
    const lineStart = source.lastIndexOf('\n', start) + 1;
    if (!keywords.has(word) || source.slice(lineStart, start).includes('#')) continue;
    const line = source.slice(0, start).split('\n').length;
    for (const typo of [word + word.at(-1), word.length > 3 ? word.slice(0, -1) : undefined]) {
      if (typo && !keywords.has(typo)) result.push({ source: source.slice(0, start) + typo + source.slice(start + word.length), word: `${word} -> ${typo}`, line });
    }
  }
  return result;
}

/** Each source with one number, range, size or percent left out: the setting is half-written. */
function missingValues(source: string): { source: string; word: string; line: number }[] {
  const result: { source: string; word: string; line: number }[] = [];
  for (const match of source.matchAll(/(?<=[ ])[-\d.][\w.%/-]*(?=[ \n;}])/g)) {
    const start = match.index;
    const lineStart = source.lastIndexOf('\n', start) + 1;
    if (source.slice(lineStart, start).includes('#')) continue;
    const line = source.slice(0, start).split('\n').length;
    result.push({ source: source.slice(0, start) + source.slice(start + match[0].length), word: `${match[0]} left out`, line });
  }
  return result;
}

const checkerFindings = (source: string) => analyze(source).diagnostics.filter((d) => d.code.startsWith('TL2')).map((d) => `${d.code} ${d.message}`);

describe('one mistake, one diagnostic', () => {
  it('gives `reduce lr on platau` its syntax error alone (no TL2051 patience, no TL2034 with a schedule)', () => {
    const source = 'use MobileNetV2\nhead dense 3\ntrain {\n  epochs 3\n  schedule cosine\n  reduce lr on platau\n}\n';
    expect(analyze(source).diagnostics.map((d) => [d.code, d.help])).toEqual([['TL1007', 'did you mean `plateau`?']]);
  });

  it('still says `head` is required only when no `head` is written, half-written or not', () => {
    const codes = (source: string) => analyze(source).diagnostics.map((d) => d.code);
    expect(codes('use MobileNetV2\nhead dense\n')).toEqual(['TL1007']);
    expect(codes('use MobileNetV2\nhead dense\nhead dense 3\n')).toEqual(['TL1007', 'TL2004']);
  });

  for (const [name, base] of [['every-construct.tl', everyConstruct], ['the stage settings', stages], ['long stages', longStages]] as const) {
    it(`holds for every misspelt keyword of ${name}`, () => {
      const known = new Set(checkerFindings(base));
      expect(analyze(base).diagnostics.filter((d) => d.code.startsWith('TL1'))).toEqual([]);
      const cascades: string[] = [];
      let syntaxErrors = 0;
      for (const mistake of [...misspellings(base), ...missingValues(base)]) {
        const { diagnostics } = analyze(mistake.source);
        if (!diagnostics.some((d) => d.code.startsWith('TL1'))) continue;
        syntaxErrors++;
        for (const finding of checkerFindings(mistake.source)) {
          if (!known.has(finding)) cascades.push(`line ${mistake.line}, ${mistake.word}: ${finding}`);
        }
      }
      expect(syntaxErrors).toBeGreaterThan(40);
      expect(cascades).toEqual([]);
    });
  }
});
