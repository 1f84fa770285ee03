// Augmentation on small known images: exact geometry for identity, right-angle rotation, flips
// and whole-pixel shifts; brightness scaling with clipping; and seeded randomness (the same
// seed and position give the same image, another seed or epoch another).
import type { AugmentPlan } from '@tlc/plan';
import { describe, expect, it } from 'vitest';
import { applyTransform, augmentImage, IDENTITY_TRANSFORM, sampleTransform, type TransformParams } from '../../src/augment/index';
import { createRng } from '../../src/random';

type Shape = { height: number; width: number; channels: number };

/** An image whose every value differs: value = (r * w + c) * channels + ch + 1 (fits in uint8 here). */
function numbered(shape: Shape): Uint8Array {
  return Uint8Array.from({ length: shape.height * shape.width * shape.channels }, (_, i) => i + 1);
}

function pixel(image: ArrayLike<number>, shape: Shape, r: number, c: number): number[] {
  const start = (r * shape.width + c) * shape.channels;
  return Array.from({ length: shape.channels }, (_, ch) => image[start + ch]!);
}

/** Builds the expected image from a rule: output (r, c) takes input pixel source(r, c). */
function remapped(image: Uint8Array, shape: Shape, source: (r: number, c: number) => [number, number]): number[] {
  const out: number[] = [];
  for (let r = 0; r < shape.height; r++) for (let c = 0; c < shape.width; c++) out.push(...pixel(image, shape, ...source(r, c)));
  return out;
}

const params = (p: Partial<TransformParams>): TransformParams => ({ ...IDENTITY_TRANSFORM, ...p });

const PLAN: AugmentPlan = {
  rotation: 20,
  zoom: [0.8, 1.2],
  shear: 10,
  shiftWidth: 0.1,
  shiftHeight: 0.1,
  channelShift: 0,
  fill: { mode: 'nearest', value: 0 },
  horizontalFlip: true,
  verticalFlip: true,
  brightness: [0.8, 1.2], mixup: 0, cutmix: 0, randomCrop: null,
  seed: 7,
};

describe('applyTransform', () => {
  const shape = { height: 4, width: 6, channels: 3 };
  const image = numbered(shape);

  it('gives the input back exactly for identity parameters', () => {
    expect(Array.from(applyTransform(image, shape, IDENTITY_TRANSFORM))).toEqual(Array.from(image));
  });

  it('rotates 90 degrees counter-clockwise about the centre, pixel for pixel', () => {
    const square = { height: 4, width: 4, channels: 2 };
    const input = numbered(square);
    // numpy's rot90 (counter-clockwise): out[i][j] = in[j][n-1-i]
    const expected = remapped(input, square, (r, c) => [c, square.width - 1 - r]);
    expect(Array.from(applyTransform(input, square, params({ rotation: 90 })))).toEqual(expected);
    const clockwise = remapped(input, square, (r, c) => [square.height - 1 - c, r]);
    expect(Array.from(applyTransform(input, square, params({ rotation: -90 })))).toEqual(clockwise);
  });

  it('flips horizontally and vertically exactly, and both equal a 180 degree turn', () => {
    const horizontal = remapped(image, shape, (r, c) => [r, shape.width - 1 - c]);
    expect(Array.from(applyTransform(image, shape, params({ flipHorizontal: true })))).toEqual(horizontal);
    const vertical = remapped(image, shape, (r, c) => [shape.height - 1 - r, c]);
    expect(Array.from(applyTransform(image, shape, params({ flipVertical: true })))).toEqual(vertical);
    const both = Array.from(applyTransform(image, shape, params({ flipHorizontal: true, flipVertical: true })));
    expect(both).toEqual(Array.from(applyTransform(image, shape, params({ rotation: 180 }))));
  });

  it('moves a known pixel by a whole-pixel shift, filling from the nearest edge', () => {
    const gray = { height: 5, width: 5, channels: 1 };
    const dot = new Uint8Array(25);
    dot[2 * 5 + 2] = 200;
    const left = applyTransform(dot, gray, params({ shiftCols: 1 }));
    expect(pixel(left, gray, 2, 1)).toEqual([200]);
    expect(pixel(left, gray, 2, 2)).toEqual([0]);
    const down = applyTransform(dot, gray, params({ shiftRows: -2 }));
    expect(pixel(down, gray, 4, 2)).toEqual([200]);
    // Rows shifted in from above the image repeat the top row (fill mode nearest).
    const edge = Uint8Array.from({ length: 25 }, (_, i) => (i < 5 ? 90 : 10));
    const filled = applyTransform(edge, gray, params({ shiftRows: -2 }));
    expect([0, 1, 2].map((r) => pixel(filled, gray, r, 0)[0])).toEqual([90, 90, 90]);
    expect(pixel(filled, gray, 3, 0)).toEqual([10]);
  });

  it('interpolates bilinearly between pixels for a half-pixel shift', () => {
    const row = { height: 1, width: 3, channels: 1 };
    const out = applyTransform(Uint8Array.from([0, 100, 200]), row, params({ shiftCols: 0.5 }));
    expect(Array.from(out)).toEqual([50, 150, 200]);
  });

  it('scales brightness and clips to 0..255', () => {
    const tiny = { height: 1, width: 2, channels: 1 };
    expect(Array.from(applyTransform(Uint8Array.from([100, 200]), tiny, params({ brightness: 1.5 })))).toEqual([150, 255]);
    expect(Array.from(applyTransform(Uint8Array.from([100, 200]), tiny, params({ brightness: 0.5 })))).toEqual([50, 100]);
  });

  it('writes into a batch buffer at an offset without touching the rest', () => {
    const out = new Float32Array(image.length + 5).fill(-1);
    applyTransform(image, shape, IDENTITY_TRANSFORM, out, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual([-1, -1, -1, -1, -1]);
    expect(Array.from(out.subarray(5))).toEqual(Array.from(image));
  });
});

describe('sampleTransform and augmentImage', () => {
  const shape = { height: 8, width: 10, channels: 3 };
  const image = Uint8Array.from({ length: 8 * 10 * 3 }, (_, i) => (i * 37) % 256);

  it('draws parameters inside the configured ranges', () => {
    const rng = createRng(1);
    let horizontalFlips = 0;
    for (let i = 0; i < 400; i++) {
      const p = sampleTransform(PLAN, rng, shape.height, shape.width);
      expect(Math.abs(p.rotation)).toBeLessThanOrEqual(20);
      expect(Math.abs(p.shear)).toBeLessThanOrEqual(10);
      expect(Math.abs(p.shiftRows)).toBeLessThanOrEqual(0.1 * shape.height);
      expect(Math.abs(p.shiftCols)).toBeLessThanOrEqual(0.1 * shape.width);
      for (const zoom of [p.zoomRows, p.zoomCols]) expect(zoom >= 0.8 && zoom <= 1.2).toBe(true);
      expect(p.brightness >= 0.8 && p.brightness <= 1.2).toBe(true);
      if (p.flipHorizontal) horizontalFlips++;
    }
    expect(horizontalFlips).toBeGreaterThan(150);
    expect(horizontalFlips).toBeLessThan(250);
  });

  it('leaves disabled transforms at identity', () => {
    const none: AugmentPlan = { ...PLAN, rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, horizontalFlip: false, verticalFlip: false, brightness: null };
    expect(sampleTransform(none, createRng(3), 8, 10)).toEqual(IDENTITY_TRANSFORM);
    expect(Array.from(augmentImage(none, image, shape, { epoch: 4, index: 2 }))).toEqual(Array.from(image));
  });

  it('is pure: the same seed and position give the same image; another seed, epoch or image another', () => {
    const at = (plan: AugmentPlan, epoch: number, index: number) => Array.from(augmentImage(plan, image, shape, { epoch, index }));
    const first = at(PLAN, 0, 3);
    expect(at(PLAN, 0, 3)).toEqual(first);
    expect(at({ ...PLAN, seed: 8 }, 0, 3)).not.toEqual(first);
    expect(at(PLAN, 1, 3)).not.toEqual(first);
    expect(at(PLAN, 0, 4)).not.toEqual(first);
    expect(first.every((v) => v >= 0 && v <= 255)).toBe(true);
  });
});
