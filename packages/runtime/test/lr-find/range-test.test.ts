// The range test's rules one by one, against values worked out by hand: the rate of each step,
// fastai's bias-corrected smoothing, the stop at 4 times the best smoothed loss (and at a NaN),
// and the valley suggestion on made-up curves.
import { describe, expect, it } from 'vitest';
import { assertRecorded } from '../../src/lr-find/lr-find';
import { RunError } from '../../src/messages';
import { RangeRecorder, rateAt, steepest, suggestValley, type RangePoint } from '../../src/lr-find/range-test';

describe('rateAt', () => {
  it('grows exponentially from start to end, both reached exactly', () => {
    const settings = { steps: 5, start: 1e-4, end: 1 };
    expect([0, 1, 2, 3, 4].map((i) => rateAt(i, settings))).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1].map((v) => expect.closeTo(v, 12)));
    expect(rateAt(99, { steps: 100, start: 1e-7, end: 10 })).toBeCloseTo(10, 10);
  });
});

describe('RangeRecorder', () => {
  it('smooths as fastai: a moving average with beta 0.98, divided by 1 − 0.98^n', () => {
    const r = new RangeRecorder();
    r.record(0, 1, 2);
    r.record(1, 1, 4);
    r.record(2, 1, 1);
    // n=1: 0.02·2 / 0.02 = 2. n=2: (0.98·0.04 + 0.08) / (1 − 0.9604) = 0.1192 / 0.0396.
    // n=3: (0.98·0.1192 + 0.02) / (1 − 0.941192) = 0.136816 / 0.058808.
    expect(r.points.map((p) => p.smoothed)).toEqual([expect.closeTo(2, 12), expect.closeTo(0.1192 / 0.0396, 12), expect.closeTo(0.136816 / 0.058808, 12)]);
    expect(r.stopped).toBeNull();
  });

  it('stops once the smoothed loss passes 4 times the best, keeping that point', () => {
    const r = new RangeRecorder();
    let step = 0;
    while (r.record(step, 1, step < 20 ? 1 : 1000)) step++;
    expect(r.stopped).toBe('diverged');
    const last = r.points[r.points.length - 1]!;
    expect(last.smoothed).toBeGreaterThan(4 * r.bestLoss);
    expect(r.points[r.points.length - 2]!.smoothed).toBeLessThanOrEqual(4 * r.bestLoss);
    expect(r.bestLoss).toBeCloseTo(1, 12);
  });

  it('stops at a loss that is not a number, without recording it', () => {
    const r = new RangeRecorder();
    expect(r.record(0, 1, 0.5)).toBe(true);
    expect(r.record(1, 1, NaN)).toBe(false);
    expect(r.stopped).toBe('not a number');
    expect(r.points).toHaveLength(1);
    expect(() => assertRecorded(r, 'train')).not.toThrow();
  });

  it('a first loss that is not a number leaves nothing to plot: TL4211', () => {
    const r = new RangeRecorder();
    expect(r.record(0, 1e-7, Infinity)).toBe(false);
    const error = (() => {
      try {
        assertRecorded(r, 'train');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4211');
  });
});

const curve = (losses: number[]): RangePoint[] => losses.map((smoothed, step) => ({ step, lr: 10 ** (step - 10), loss: smoothed, smoothed }));

describe('suggestValley', () => {
  it('takes the point halfway along the longest fall of the loss', () => {
    // 30 planned steps: the first 3 and the last 5 points are left out (indices 3…24 remain).
    // Flat at 3, then falling from index 8 to 20, then rising.
    const losses = Array.from({ length: 30 }, (_, i) => (i < 8 ? 3 : i <= 20 ? 3 - (i - 7) * 0.2 : 0.4 + (i - 20) * 0.5));
    const s = suggestValley(curve(losses), 30)!;
    // In the trimmed losses (from index 3) the longest strictly decreasing run ends at index 20
    // (local 17) with length 14 (one flat point, then 13 falling): start 17 − 14 = 3, thirds of
    // 14/3 → 3 + 4 + 2 = local 9, index 12.
    expect(s.index).toBe(12);
    expect(s.lr).toBeCloseTo(10 ** 2, 9);
    expect(s.valley[1]).toBe(20);
    expect(losses[s.index]).toBeLessThan(3);
    expect(losses[s.index]).toBeGreaterThan(Math.min(...losses));
  });

  it('uses every point when trimming would leave too few, and gives nothing without points', () => {
    expect(suggestValley(curve([3, 2, 1]), 100)!.lr).toBeGreaterThan(0);
    expect(suggestValley([], 100)).toBeNull();
  });
});

describe('steepest', () => {
  it('is the start of the segment where the loss falls fastest against log(lr)', () => {
    const losses = [5, 5, 5, 5, 4.9, 4, 3.9, 3.8, 3.7, 3.6, 3.6, 3.6, 4, 6, 9, 9, 9];
    // Points 1…11 after trimming (17 steps planned: the first and the last 5 out): the biggest fall, 0.9,
    // is from index 4 to 5.
    expect(steepest(curve(losses), 17)).toBeCloseTo(10 ** (4 - 10), 15);
  });
});
