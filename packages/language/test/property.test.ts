// Property tests (fast-check, fixed seed, bounded runs): random token sequences and random
// character mutations of real sources never make analyze or format throw or hang, every span
// lies inside the source, and whatever format accepts it formats idempotently into a source
// without syntax errors.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, format, KEYWORDS, VALUE_WORDS } from '../src/index';

const SEED = 20261129;

const samples = ['../../../test/format/every-construct.tl', '../../../test/format/long-form.tl', '../../../test/diagnostics/five-mistakes.tl'].map(
  (path) => readFileSync(new URL(path, import.meta.url), 'utf8'),
);

const piece = fc.oneof(
  fc.constantFrom(...KEYWORDS, ...VALUE_WORDS, 'fine tune', 'VGG16', 'ResNet50V2', 'MobileNetV2', 'block4', 'blockX'),
  fc.constantFrom('{', '}', '[', ']', ',', ';', '->', '\n', '\n', '#c\n', '"s"', '"x\\"y"', '"open', '@', '\\', '\r\n', '\t'),
  fc.constantFrom('0', '1', '2.5', '1e-3', '-4', '20%', '1/255', '224x224', '0.8..1.2', '999999999999999999999'),
  fc.string({ maxLength: 4 }),
);

/** Checks the properties on one source. */
function holds(source: string): void {
  const { diagnostics } = analyze(source);
  for (const d of diagnostics) {
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(source.length);
    expect(d.code).toMatch(/^TL[12]\d{3}$/);
  }
  const { text } = format(source);
  if (text !== null) {
    expect(format(text).text).toBe(text);
    expect(analyze(text).diagnostics.filter((d) => d.code.startsWith('TL1'))).toEqual([]);
  }
}

describe('properties', () => {
  it('hold for random token sequences', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.constantFrom(' ', '', '\n'), (pieces, glue) => holds(pieces.join(glue))),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('hold for random character mutations of real sources', () => {
    const mutation = fc.record({
      sample: fc.nat({ max: samples.length - 1 }),
      edits: fc.array(
        fc.record({ at: fc.nat(), remove: fc.nat({ max: 3 }), insert: fc.string({ maxLength: 3, unit: 'binary' }) }),
        { minLength: 1, maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ sample, edits }) => {
        let source = samples[sample];
        for (const edit of edits) {
          const at = edit.at % (source.length + 1);
          source = source.slice(0, at) + edit.insert + source.slice(at + edit.remove);
        }
        holds(source);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
