// The ImageDataGenerator settings beyond the first ones, each on a tiny real PNG decoded through
// sharp, against the value Keras's formula gives by hand: fill_mode (nearest, constant with cval,
// reflect, wrap) for a whole-pixel shift, channel_shift_range (one intensity on every channel,
// clipped to the image's min and max), separate width/height shift ranges, and an uneven zoom
// range [lower, upper] (each axis's factor drawn in it; a factor of 2 reads twice as far from the
// centre).
import type { AugmentPlan } from '@tlc/plan';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyTransform, augmentImage, IDENTITY_TRANSFORM, sampleTransform, type TransformParams } from '../../src/augment/index';
import { createRng } from '../../src/random';

const shape = { height: 3, width: 4, channels: 3 };
/** Pixel (r, c) is [10 + 20c + 60r, 100 + r, 200 - c]: every column and row tells itself apart. */
const expected = (r: number, c: number): number[] => [10 + 20 * c + 60 * r, 100 + r, 200 - c];
let image: Uint8Array;

beforeAll(async () => {
  const raw = Uint8Array.from({ length: 36 }, (_, i) => expected(Math.floor(i / 12), Math.floor(i / 3) % 4)[i % 3]!);
  const png = await sharp(raw, { raw: { width: 4, height: 3, channels: 3 } }).png().toBuffer();
  image = new Uint8Array(await sharp(png).removeAlpha().raw().toBuffer());
});

const params = (p: Partial<TransformParams>): TransformParams => ({ ...IDENTITY_TRANSFORM, ...p });
const pixel = (out: ArrayLike<number>, r: number, c: number): number[] =>
  Array.from({ length: 3 }, (_, ch) => out[(r * shape.width + c) * 3 + ch]!);
const row = (out: ArrayLike<number>, r: number): number[][] => [0, 1, 2, 3].map((c) => pixel(out, r, c));

const PLAN: AugmentPlan = {
  rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, channelShift: 0,
  fill: { mode: 'nearest', value: 0 }, horizontalFlip: false, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed: 5,
};

describe('fill modes (Keras fill_mode, cval)', () => {
  // shiftCols 2: output column c reads input column c + 2; columns 4 and 5 are outside.
  const shifted = (fill: AugmentPlan['fill']) => row(applyTransform(image, shape, params({ shiftCols: 2 }), undefined, 0, fill), 1);

  it('the PNG decodes to the pixels written', () => {
    expect(pixel(image, 2, 3)).toEqual(expected(2, 3));
  });

  it('nearest repeats the edge pixel: a b c d | d d', () => {
    expect(shifted({ mode: 'nearest', value: 0 })).toEqual([expected(1, 2), expected(1, 3), expected(1, 3), expected(1, 3)]);
  });

  it('constant fills with the value: a b c d | k k', () => {
    expect(shifted({ mode: 'constant', value: 7 })).toEqual([expected(1, 2), expected(1, 3), [7, 7, 7], [7, 7, 7]]);
  });

  it('reflect mirrors about the edge: a b c d | d c', () => {
    expect(shifted({ mode: 'reflect', value: 0 })).toEqual([expected(1, 2), expected(1, 3), expected(1, 3), expected(1, 2)]);
  });

  it('wrap reads the opposite side: a b c d | a b', () => {
    expect(shifted({ mode: 'wrap', value: 0 })).toEqual([expected(1, 2), expected(1, 3), expected(1, 0), expected(1, 1)]);
  });

  it('constant blends the value in at a half-pixel edge (bilinear with cval outside)', () => {
    const out = applyTransform(image, shape, params({ shiftCols: 0.5 }), undefined, 0, { mode: 'constant', value: 0 });
    // Column 3 reads x = 3.5: half the edge pixel, half the fill value 0.
    expect(pixel(out, 0, 3)).toEqual(expected(0, 3).map((v) => v / 2));
  });
});

describe('channel shift (Keras channel_shift_range)', () => {
  it('adds one intensity to every channel, clipped to the image min and max', () => {
    const out = applyTransform(image, shape, params({ channelShift: 30 }));
    const flat = Array.from(image);
    const [low, high] = [Math.min(...flat), Math.max(...flat)];
    expect([low, high]).toEqual([10, 200]);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) expect(pixel(out, r, c)).toEqual(expected(r, c).map((v) => Math.min(high, Math.max(low, v + 30))));
    }
    const down = applyTransform(image, shape, params({ channelShift: -95 }));
    expect(pixel(down, 0, 0)).toEqual([10, 10, 105]);
  });

  it('draws the intensity uniformly in ±range after the flips, before brightness (Keras order)', () => {
    const plan = { ...PLAN, channelShift: 40, horizontalFlip: true, brightness: [0.9, 1.1] as [number, number] };
    const rng = createRng(1);
    const drawn = sampleTransform(plan, rng, 3, 4);
    const again = createRng(1);
    const flip = again.next() < 0.5;
    expect(drawn.flipHorizontal).toBe(flip);
    expect(drawn.channelShift).toBeCloseTo(again.uniform(-40, 40), 12);
    expect(drawn.brightness).toBeCloseTo(again.uniform(0.9, 1.1), 12);
    const values = Array.from({ length: 500 }, () => sampleTransform(plan, rng, 3, 4).channelShift);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-40);
    expect(Math.max(...values)).toBeLessThanOrEqual(40);
    expect(Math.min(...values)).toBeLessThan(-30);
    expect(Math.max(...values)).toBeGreaterThan(30);
  });
});

describe('separate shifts and uneven zoom', () => {
  it('shifts only the axis given, by up to its fraction of that side', () => {
    const rng = createRng(2);
    for (let i = 0; i < 200; i++) {
      const p = sampleTransform({ ...PLAN, shiftWidth: 0.25 }, rng, 3, 4);
      expect(p.shiftRows).toBe(0);
      expect(Math.abs(p.shiftCols)).toBeLessThanOrEqual(0.25 * 4);
    }
    const tall = sampleTransform({ ...PLAN, shiftHeight: 0.5 }, createRng(3), 3, 4);
    expect(tall.shiftCols).toBe(0);
    expect(tall.shiftRows).not.toBe(0);
  });

  it('draws each axis factor in [lower, upper], and a factor reads that far from the centre', () => {
    const rng = createRng(4);
    const factors = Array.from({ length: 300 }, () => sampleTransform({ ...PLAN, zoom: [1.2, 1.5] }, rng, 3, 4)).flatMap((p) => [p.zoomRows, p.zoomCols]);
    expect(Math.min(...factors)).toBeGreaterThanOrEqual(1.2);
    expect(Math.max(...factors)).toBeLessThanOrEqual(1.5);
    expect(Math.max(...factors)).toBeGreaterThan(1.45);
    // zoom 2 on columns: centre column 1.5, output column c reads 1.5 + 2 (c - 1.5); row 1 keeps.
    const out = applyTransform(image, shape, params({ zoomCols: 2 }), undefined, 0, { mode: 'constant', value: 0 });
    // c = 1 reads x = 0.5 (halfway between columns 0 and 1); c = 2 reads 2.5; c = 0 reads -1.5 (outside).
    expect(pixel(out, 1, 1)).toEqual(expected(1, 0).map((v, ch) => (v + expected(1, 1)[ch]!) / 2));
    expect(pixel(out, 1, 2)).toEqual(expected(1, 2).map((v, ch) => (v + expected(1, 3)[ch]!) / 2));
    expect(pixel(out, 1, 0)).toEqual([0, 0, 0]);
  });

  it('a plan augments reproducibly with its fill and channel shift', () => {
    const plan = { ...PLAN, rotation: 25, channelShift: 20, fill: { mode: 'reflect' as const, value: 0 } };
    const a = augmentImage(plan, image, shape, { epoch: 2, index: 1 });
    expect(Array.from(augmentImage(plan, image, shape, { epoch: 2, index: 1 }))).toEqual(Array.from(a));
    expect(Array.from(augmentImage(plan, image, shape, { epoch: 3, index: 1 }))).not.toEqual(Array.from(a));
  });
});
