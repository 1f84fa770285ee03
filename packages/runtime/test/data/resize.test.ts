// `resize stretch|crop|pad` on a real 8x4 PNG (red left quarter, green middle, blue right
// quarter) decoded to 4x4 through sharp: stretch squeezes all three bands in, crop keeps the
// centred 4x4 window (green only: Keras's crop_to_aspect_ratio), pad fits the whole image into
// rows 1-2 with black above and below (pad_to_aspect_ratio); a taller image pads at the sides.
// predict decodes as the plan says.
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/data/decode';
import { decodeOptionsOf } from '../../src/data/load';
import { planImageShape } from '../../src/export/predict';
import { makePlan, tempDir } from '../run/fixtures';

const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];
const BLACK = [0, 0, 0];
let wide: string;
let tall: string;

/** The colour a pixel mostly is (bilinear blends the band edges a little). */
const colour = (px: number[]): string => (Math.max(...px) < 30 ? 'black' : ['red', 'green', 'blue'][px.indexOf(Math.max(...px))]!);
const pixel = (image: Uint8Array, r: number, c: number, width = 4): number[] => Array.from(image.subarray((r * width + c) * 3, (r * width + c) * 3 + 3));

async function bands(file: string, width: number, height: number, colour: (r: number, c: number) => number[]): Promise<string> {
  const raw = Uint8Array.from({ length: width * height * 3 }, (_, i) => colour(Math.floor(i / 3 / width), Math.floor(i / 3) % width)[i % 3]!);
  await sharp(raw, { raw: { width, height, channels: 3 } }).png().toFile(file);
  return file;
}

beforeAll(async () => {
  const dir = tempDir('resize');
  wide = await bands(join(dir, 'wide.png'), 8, 4, (_r, c) => (c < 2 ? RED : c >= 6 ? BLUE : GREEN));
  tall = await bands(join(dir, 'tall.png'), 4, 8, (r) => (r < 2 ? RED : r >= 6 ? BLUE : GREEN));
});

const decode = (file: string, resize?: 'stretch' | 'crop' | 'pad') =>
  decodeImage(file, { height: 4, width: 4, colorMode: 'rgb', maxPixels: 1e6, ...(resize ? { resize } : {}) });

describe('resize', () => {
  it('stretch (the default) squeezes the whole width in', async () => {
    const image = await decode(wide);
    expect([0, 1, 2, 3].map((c) => colour(pixel(image, 2, c)))).toEqual(['red', 'green', 'green', 'blue']);
    expect(Array.from(await decode(wide, 'stretch'))).toEqual(Array.from(image));
  });

  it('crop keeps the centred window of the target aspect ratio', async () => {
    const image = await decode(wide, 'crop');
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(pixel(image, r, c), `(${r}, ${c})`).toEqual(GREEN);
  });

  it('pad fits the whole image on black, centred', async () => {
    const image = await decode(wide, 'pad');
    for (const c of [0, 1, 2, 3]) {
      expect(pixel(image, 0, c)).toEqual(BLACK);
      expect(pixel(image, 3, c)).toEqual(BLACK);
    }
    expect([0, 1, 2, 3].map((c) => colour(pixel(image, 1, c)))).toEqual(['red', 'green', 'green', 'blue']);
    const upright = await decode(tall, 'pad');
    expect([0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => colour(pixel(upright, r, c))))).toEqual([
      ['black', 'red', 'red', 'black'],
      ['black', 'green', 'green', 'black'],
      ['black', 'green', 'green', 'black'],
      ['black', 'blue', 'blue', 'black'],
    ]);
  });

  it('the plan carries it to the data pipeline and to predict', () => {
    const plan = makePlan();
    expect(decodeOptionsOf(plan.data!)).not.toHaveProperty('resize');
    expect(decodeOptionsOf({ ...plan.data!, resize: 'crop' }).resize).toBe('crop');
    expect(planImageShape({ ...plan, data: { ...plan.data!, resize: 'pad' } }).resize).toBe('pad');
    expect(planImageShape(plan)).not.toHaveProperty('resize');
  });
});
