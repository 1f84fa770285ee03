// The torch trainer decodes `resize crop` and `resize pad` with the tfjs runtime's geometry (sharp's
// fit cover / contain, centred): on shipped photos (examples/data/fashion, 28x28 RGB) and on
// non-square images, made wider, taller, smaller and larger, the pixels differ from sharp's by a
// mean of at most 1.5 levels (of 255; measured: enlargements, done as libvips does them, 0.00–0.03;
// reductions, PIL's bilinear against libvips's reduce, 0.1–1.41), far less than a stretch (up to
// 90) or a window one pixel off would; pad's black bars sit on the same rows and columns.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeImage } from '../../../src/data/decode';
import { createRng } from '../../../src/random';
import { tempDir } from '../../run/fixtures';
import { describeTorch, runPython } from './torch-env';

const fashion = fileURLToPath(new URL('../../../../../examples/data/fashion/new', import.meta.url));
let dir: string;
const files: string[] = [];

beforeAll(async () => {
  dir = tempDir('torch-resize');
  for (const name of readdirSync(fashion).sort().slice(0, 4)) files.push(join(fashion, name));
  // Smooth non-square scenes (a photo's low frequencies, some noise), PNG and JPEG.
  for (const [width, height, format] of [[61, 37, 'png'], [30, 52, 'jpeg']] as const) {
    const rng = createRng(width);
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          const v = 128 + 90 * Math.sin(x / (4 + c) + y / 7) * Math.cos(y / (5 + c)) + rng.uniform(-15, 15);
          data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
    const file = join(dir, `scene-${width}x${height}.${format}`);
    await sharp(data, { raw: { width, height, channels: 3 } }).toFormat(format, { quality: 95 }).toFile(file);
    files.push(file);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meanDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

describeTorch('resize crop and pad in the torch trainer', () => {
  it.each([
    ['crop', 40, 24, 'rgb'], ['crop', 20, 34, 'rgb'], ['crop', 48, 48, 'grayscale'],
    ['pad', 40, 24, 'rgb'], ['pad', 20, 34, 'grayscale'], ['pad', 48, 48, 'rgb'],
  ] as const)('%s to %ix%i (%s): the tfjs runtime\'s window and bars, pixels within 1.5 levels on average', async (resize, width, height, colorMode) => {
    const channels = colorMode === 'rgb' ? 3 : 1;
    const torch = JSON.parse(runPython('data', [String(width), String(height), String(channels), resize, ...files])) as number[][];
    for (const [i, file] of files.entries()) {
      const tfjs = await decodeImage(file, { width, height, colorMode, maxPixels: 1e6, resize });
      expect(torch[i]).toHaveLength(tfjs.length);
      const difference = meanDifference(torch[i], tfjs);
      expect(difference, file).toBeLessThanOrEqual(1.5);
      if (resize === 'pad') {
        // The black bars: rows or columns all 0 in the tfjs pixels are all 0 in the torch ones.
        for (let p = 0; p < tfjs.length; p += channels) {
          const row = Math.floor(p / channels / width);
          const col = (p / channels) % width;
          const bar = (r: number, c: number) => Array.from({ length: channels }, (_, k) => tfjs[(r * width + c) * channels + k]).every((v) => v === 0);
          const rowBar = Array.from({ length: width }, (_, c) => bar(row, c)).every(Boolean);
          const colBar = Array.from({ length: height }, (_, r) => bar(r, col)).every(Boolean);
          if (rowBar || colBar) expect(torch[i][p], `${file} pixel ${row},${col}`).toBe(0);
        }
      }
    }
  });
});
