// The seeded generator shared by the data pipeline and training: repeatable streams, distinct
// streams for distinct positions, values in range, shuffles that are permutations.
import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed } from '../../src/random';

const draw = (seed: number, ...stream: number[]) => {
  const rng = createRng(seed, ...stream);
  return Array.from({ length: 5 }, () => rng.next());
};

describe('createRng', () => {
  it('repeats a stream exactly and separates streams by seed and position', () => {
    expect(draw(42, 1, 2)).toEqual(draw(42, 1, 2));
    expect(draw(42, 1, 2)).not.toEqual(draw(42, 2, 1));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
    expect(new Set([0, 1, 2, 3, 4, 5, 6, 7].map((epoch) => deriveSeed(1, epoch))).size).toBe(8);
  });

  it('draws in range with a roughly uniform spread', () => {
    const rng = createRng(5);
    const values = Array.from({ length: 4000 }, () => rng.uniform(-2, 3));
    expect(values.every((v) => v >= -2 && v < 3)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.1);
    const ints = Array.from({ length: 4000 }, () => rng.int(4));
    for (let k = 0; k < 4; k++) expect(ints.filter((v) => v === k).length).toBeGreaterThan(850);
    expect(ints.every((v) => Number.isInteger(v) && v >= 0 && v < 4)).toBe(true);
  });

  it('shuffles in place into a permutation, the same for the same seed', () => {
    const shuffled = createRng(9).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(createRng(9).shuffle(Int32Array.from({ length: 50 }, (_, i) => i))).toEqual(Int32Array.from(shuffled));
  });

  it('refuses a seed that is not a finite number', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});
