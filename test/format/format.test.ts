// Formatting goldens: test/format/NAME.tl formatted must equal NAME.formatted.tl, formatting is
// idempotent, and the output parses to the same program (spans aside) with the same comments.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { format, parse } from '../../packages/language/src/index';
import { expectGolden } from '../diagnostics/golden';

const folder = new URL('./', import.meta.url);
const inputs = readdirSync(folder)
  .filter((f) => f.endsWith('.tl') && !f.endsWith('.formatted.tl'))
  .sort();

/** The program without source positions: what must survive formatting. */
function shape(source: string): unknown {
  const { program } = parse(source);
  return JSON.parse(JSON.stringify(program, (key, value) => (key === 'span' ? undefined : value)));
}

describe('format goldens', () => {
  for (const name of inputs) {
    it(name, () => {
      const source = readFileSync(new URL(name, folder), 'utf8');
      const { text, diagnostics } = format(source);
      expect(diagnostics).toEqual([]);
      expectGolden(new URL(name.replace(/\.tl$/, '.formatted.tl'), folder).pathname, text!);
      expect(format(text!).text, 'formatting twice changes nothing').toBe(text);
      expect(shape(text!), 'the formatted text parses to the same program').toEqual(shape(source));
    });
  }

  it('round-trips the file that uses every construct', () => {
    const source = readFileSync(new URL('every-construct.tl', folder), 'utf8');
    const kinds = new Set<string>();
    JSON.stringify(parse(source).program, (key, value) => {
      if (key === 'kind') kinds.add(value as string);
      return value;
    });
    // Every statement and setting kind of the AST appears in the file.
    for (const kind of ['Pipeline', 'Data', 'Image', 'Validation', 'Batch', 'OnBadImage', 'Shuffle', 'Augment', 'Rotate', 'Zoom', 'Shear', 'Shift', 'Flip', 'Brightness', 'AugmentSeed', 'Use', 'Alpha', 'Weights', 'Freeze', 'Cut', 'Preprocess', 'NumberList', 'Head', 'Pool', 'Flatten', 'BatchNorm', 'Dropout', 'Dense', 'Stage', 'Epochs', 'StageBatch', 'Optimizer', 'LearningRate', 'Loss', 'EarlyStop', 'ClassWeights', 'ClassWeight', 'Unfreeze', 'Evaluate', 'Export', 'Predict', 'Comment', 'Percent', 'Size', 'Range']) {
      expect(kinds, kind).toContain(kind);
    }
    const once = format(source).text!;
    expect(shape(once)).toEqual(shape(source));
    expect(format(once).text).toBe(once);
  });

  it('returns null text and the syntax errors for a source that does not parse', () => {
    const { text, diagnostics } = format('use VGG16\nhead dense\n');
    expect(text).toBeNull();
    expect(diagnostics.map((d) => d.code)).toEqual(['TL1007']);
  });
});
