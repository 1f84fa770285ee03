// The runtime's seeded random numbers: every random choice of a run (validation split, batch
// order, augmentation, dropout masks) comes from a stream derived from the plan's seed and a position
// (epoch, image index …), never from Math.random, so a run repeats exactly and resumes exactly.
// The generator is mulberry32 (32-bit state, fast, good enough for shuffling and augmentation);
// stream seeds are derived by hashing (seed, part, part, …) with a murmur3-style finaliser.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [index: number]: any }>(array: T): T;
}

/**
 * Tags that keep the streams of different uses of one seed apart: the validation split, the
 * batch order and augmentation all derive from the plan's seeds but never share numbers.
 */
export const STREAMS = {
  validationSplit: 1,
  batchOrder: 2,
  augmentation: 3,
  dropout: 4,
  mixing: 5,
  randomCrop: 6,
} as const;

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function checkSeedPart(part: number): void {
  if (!Number.isFinite(part)) throw new RangeError(`a random seed must be a finite number, got ${part}`);
}

/**
 * A 32-bit seed for the stream named by `parts` (for example seed, epoch, image index).
 * Different part lists give unrelated streams; integers up to 2^53 are used in full.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    checkSeedPart(part);
    const whole = Math.trunc(part);
    const low = whole >>> 0;
    const high = Math.floor(whole / 4294967296) >>> 0;
    h = fmix32((h ^ low) + 0x6d2b79f5);
    h = fmix32((h ^ high) + 0x632be5ab);
  }
  return h;
}

/** A generator for the stream (seed, ...stream). */
export function createRng(seed: number, ...stream: number[]): Rng {
  let state = deriveSeed(seed, ...stream);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (n) => Math.floor(next() * n),
    shuffle(array) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const swap = array[i];
        array[i] = array[j];
        array[j] = swap;
      }
      return array;
    },
  };
}
