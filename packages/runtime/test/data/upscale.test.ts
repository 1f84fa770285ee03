// upscaleBilinear against Pillow: the expected arrays below were produced by Pillow 12.3.0's
// Image.resize(size, Image.BILINEAR) on the same input bytes (Keras's load_img resizes with PIL),
// and are matched exactly, rounding included.
import { describe, expect, it } from 'vitest';
import { upscaleBilinear } from '../../src/data/upscale';

describe('upscaleBilinear', () => {
  it('enlarges a row as Pillow does (4 to 8 and 4 to 12)', () => {
    const row = Uint8Array.from([0, 100, 200, 250]);
    expect(Array.from(upscaleBilinear(row, 1, 4, 1, 1, 8))).toEqual([0, 25, 75, 125, 175, 213, 238, 250]);
    expect(Array.from(upscaleBilinear(row, 1, 4, 1, 1, 12))).toEqual([0, 0, 33, 67, 100, 133, 167, 200, 217, 233, 250, 250]);
  });

  it('enlarges both axes with Pillow\'s rounding between them (3x2 to 7x5)', () => {
    const image = Uint8Array.from([0, 90, 255, 30, 200, 10]);
    expect(Array.from(upscaleBilinear(image, 2, 3, 1, 5, 7))).toEqual([
      0, 13, 51, 90, 161, 231, 255, 3, 17, 59, 101, 157, 212, 231, 15, 34, 89, 145, 140, 134, 133,
      27, 50, 119, 189, 123, 56, 34, 30, 54, 127, 200, 119, 37, 10,
    ]);
  });

  it('keeps channels apart (RGB 2x2 to 5x3)', () => {
    const image = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    expect(Array.from(upscaleBilinear(image, 2, 2, 3, 3, 5))).toEqual([
      255, 0, 0, 230, 25, 0, 128, 128, 0, 25, 230, 0, 0, 255, 0,
      128, 0, 128, 128, 25, 128, 128, 128, 128, 128, 230, 128, 128, 255, 128,
      0, 0, 255, 25, 25, 255, 128, 128, 255, 230, 230, 255, 255, 255, 255,
    ]);
  });

  it('leaves an axis whose size does not change as it is, and copies at equal sizes', () => {
    const row = Uint8Array.from([10, 200, 40]);
    expect(Array.from(upscaleBilinear(row, 1, 3, 1, 4, 3))).toEqual([10, 200, 40, 10, 200, 40, 10, 200, 40, 10, 200, 40]);
    const same = upscaleBilinear(row, 1, 3, 1, 1, 3);
    expect(Array.from(same)).toEqual([10, 200, 40]);
    expect(same).not.toBe(row);
  });

  it('refuses to shrink', () => {
    expect(() => upscaleBilinear(new Uint8Array(16), 4, 4, 1, 2, 8)).toThrow(RangeError);
  });
});
