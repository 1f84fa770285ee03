// splitValidation: stratified per class, seeded and repeatable, disjoint and complete.
import { describe, expect, it } from 'vitest';
import { splitValidation, type ImageItem } from '../../src/data/index';
import { RunError } from '../../src/messages';

function items(counts: Record<string, number>): ImageItem[] {
  return Object.entries(counts).flatMap(([className, count], label) =>
    Array.from({ length: count }, (_, i) => ({ file: `/d/${className}/${i}.png`, relativePath: `${className}/${i}.png`, label, className })),
  );
}

const perClass = (list: ImageItem[]): Record<string, number> =>
  list.reduce<Record<string, number>>((counts, item) => ({ ...counts, [item.className]: (counts[item.className] ?? 0) + 1 }), {});

describe('splitValidation', () => {
  const all = items({ cats: 10, dogs: 20, fish: 7 });

  it('holds out the fraction of every class, disjoint from training and covering everything', () => {
    const split = splitValidation(all, 0.2, 42);
    expect(perClass(split.validation)).toEqual({ cats: 2, dogs: 4, fish: 1 });
    expect(perClass(split.training)).toEqual({ cats: 8, dogs: 16, fish: 6 });
    const files = [...split.training, ...split.validation].map((i) => i.file).sort();
    expect(files).toEqual(all.map((i) => i.file).sort());
    expect(split.warnings).toEqual([]);
  });

  it('is repeatable for a seed and differs between seeds', () => {
    const files = (seed: number) => splitValidation(all, 0.3, seed).validation.map((i) => i.file);
    expect(files(7)).toEqual(files(7));
    expect(files(7)).not.toEqual(files(8));
  });

  it('keeps dataset order within each side', () => {
    const { training } = splitValidation(all, 0.25, 1);
    const positions = training.map((item) => all.indexOf(item));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('holds out at least one image of a small class but never all of it, and warns for a single image', () => {
    const split = splitValidation(items({ a: 2, b: 3, c: 1 }), 0.05, 3);
    expect(perClass(split.validation)).toEqual({ a: 1, b: 1 });
    expect(perClass(split.training)).toEqual({ a: 1, b: 2, c: 1 });
    expect(split.warnings).toEqual(['class c has a single image: it stays in training and the validation set has none of it']);
    expect(perClass(splitValidation(items({ a: 4, b: 4 }), 0.9, 3).training)).toEqual({ a: 1, b: 1 });
  });

  it('refuses fractions outside (0, 1) and sets too small to split', () => {
    for (const fraction of [0, 1, -0.1, 1.5, Number.NaN]) {
      const error = (() => {
        try {
          splitValidation(all, fraction, 1);
        } catch (e) {
          return e;
        }
      })();
      expect(error, String(fraction)).toBeInstanceOf(RunError);
      expect((error as RunError).code).toBe('TL4109');
    }
    expect(() => splitValidation(items({ a: 1, b: 1 }), 0.5, 1)).toThrow(/too few images to hold out a validation set/);
  });
});
