// decodeImage and checkImages on real files written with sharp: every supported format, the
// conversions load_img does (orientation, exact resize, alpha, 16-bit, CMYK, grayscale, first
// GIF frame) and every kind of bad file, each with a reason a person can act on.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyBadImagePolicy, BadImageError, checkImages, decodeImage, type DecodeOptions } from '../../src/data/index';
import { RunError } from '../../src/messages';
import { BLUE, bmp, channelMeans, isRoot, pngDeclaring, RED, solid, tempFolder, truncatedJpeg, twoColour, writeFile, writeSolidImage } from './fixtures';

const RGB_8: DecodeOptions = { height: 8, width: 8, colorMode: 'rgb', maxPixels: 1_000_000 };

let dir: string;
beforeAll(async () => {
  dir = await tempFolder();
});

async function decodeFailure(file: string, options: DecodeOptions = RGB_8): Promise<BadImageError> {
  const error = await decodeImage(file, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BadImageError);
  return error as BadImageError;
}

function expectColour(pixels: Uint8Array, colour: { r: number; g: number; b: number }, tolerance: number): void {
  const [r, g, b] = channelMeans(pixels, 3);
  expect(Math.abs(r! - colour.r)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(g! - colour.g)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(b! - colour.b)).toBeLessThanOrEqual(tolerance);
}

describe('decodeImage', () => {
  it.each(['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif'])('decodes %s to exactly height x width x 3', async (ext) => {
    const file = await writeSolidImage(path.join(dir, `solid.${ext}`), RED);
    const pixels = await decodeImage(file, { ...RGB_8, height: 6, width: 10 });
    expect(pixels).toBeInstanceOf(Uint8Array);
    expect(pixels.length).toBe(6 * 10 * 3);
    // GIF quantises to a palette and JPEG/AVIF are lossy or chroma-subsampled: a small tolerance.
    expectColour(pixels, RED, 8);
  });

  it('stretches to the target size (fill, no crop), like load_img with target_size', async () => {
    // 10 wide, 40 tall: the top half red, the bottom half blue. A centre crop would lose both ends.
    const file = await writeFile(path.join(dir, 'tall.png'), await twoColour(10, 40, (r) => r < 20).png().toBuffer());
    const pixels = await decodeImage(file, RGB_8);
    expectColour(pixels.subarray(0, 8 * 3), RED, 2);
    expectColour(pixels.subarray(7 * 8 * 3), BLUE, 2);
  });

  it('enlarges a small image exactly as PIL does, not as libvips would', async () => {
    // 4x1 gray 0, 100, 200, 250 to 8x1: PIL's BILINEAR gives 0 25 75 125 175 213 238 250 (see
    // upscale.test.ts); sharp's linear kernel gives 0 0 50 100 150 200 225 250.
    const file = await writeFile(path.join(dir, 'row.png'), await sharp(Buffer.from([0, 100, 200, 250]), { raw: { width: 4, height: 1, channels: 1 } }).png().toBuffer());
    const rgb = await decodeImage(file, { ...RGB_8, height: 1, width: 8 });
    expect(Array.from(rgb.filter((_, i) => i % 3 === 0))).toEqual([0, 25, 75, 125, 175, 213, 238, 250]);
    expect(Array.from(await decodeImage(file, { ...RGB_8, height: 1, width: 8, colorMode: 'grayscale' }))).toEqual([0, 25, 75, 125, 175, 213, 238, 250]);
  });

  it('turns an EXIF-rotated small image before enlarging it', async () => {
    // Stored 4 wide x 2 tall, left half red; orientation 6 displays it 2 wide x 4 tall, red on top.
    const png = await twoColour(4, 2, (_, c) => c < 2).png().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(png).metadata()).orientation).toBe(6);
    const file = await writeFile(path.join(dir, 'rotated-small.png'), png);
    const pixels = await decodeImage(file, { ...RGB_8, height: 8, width: 4 });
    expect(pixels.length).toBe(8 * 4 * 3);
    expectColour(pixels.subarray(0, 4 * 3), RED, 1);
    expectColour(pixels.subarray(7 * 4 * 3), BLUE, 1);
  });

  it('applies EXIF orientation 6 (rotate 90 degrees clockwise to display)', async () => {
    // Stored 32 wide x 16 tall, left half red; displayed 16 wide x 32 tall with red on top.
    const jpeg = await twoColour(32, 16, (_, c) => c < 16).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const file = await writeFile(path.join(dir, 'rotated.jpg'), jpeg);
    const pixels = await decodeImage(file, { ...RGB_8, height: 8, width: 4 });
    expectColour(pixels.subarray(0, 2 * 4 * 3), RED, 20);
    expectColour(pixels.subarray(6 * 4 * 3), BLUE, 20);
  });

  it('drops alpha without compositing (the RGB values of transparent pixels stay)', async () => {
    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([10, 200, 30, 0], i * 4);
    const file = await writeFile(path.join(dir, 'rgba.png'), await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } }).png().toBuffer());
    expect((await sharp(file).metadata()).hasAlpha).toBe(true);
    const pixels = await decodeImage(file, { ...RGB_8, height: 4, width: 4 });
    expect(pixels.length).toBe(4 * 4 * 3);
    expect(Array.from(pixels.subarray(0, 3))).toEqual([10, 200, 30]);
  });

  it('converts a 16-bit PNG to 8 bits by scaling, not clipping', async () => {
    const png16 = await solid(4, 4, { r: 200, g: 100, b: 7 }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const file = await writeFile(path.join(dir, 'deep.png'), png16);
    const pixels = await decodeImage(file, { ...RGB_8, height: 4, width: 4 });
    expect(Array.from(pixels.subarray(0, 3))).toEqual([200, 100, 7]);
  });

  it('converts a CMYK JPEG to sRGB', async () => {
    const cmyk = await solid(16, 16, RED).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const file = await writeFile(path.join(dir, 'cmyk.jpg'), cmyk);
    const pixels = await decodeImage(file, RGB_8);
    expect(pixels.length).toBe(8 * 8 * 3);
    const [r, g, b] = channelMeans(pixels, 3);
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
  });

  it('gives one luma channel for grayscale, as PIL computes it, and three equal channels for a gray image read as rgb', async () => {
    const file = await writeFile(path.join(dir, 'halves.png'), await twoColour(8, 8, (_, c) => c < 4, { r: 255, g: 255, b: 255 }, { r: 0, g: 0, b: 0 }).png().toBuffer());
    const gray = await decodeImage(file, { ...RGB_8, colorMode: 'grayscale' });
    expect(gray.length).toBe(8 * 8);
    expect([gray[0], gray[7]]).toEqual([255, 0]);
    // PIL's convert('L') (what Keras's grayscale mode uses): 0.299 R + 0.587 G + 0.114 B, rounded as PIL does.
    const tinted = await writeFile(path.join(dir, 'tinted.png'), await solid(4, 4, { r: 200, g: 100, b: 7 }).png().toBuffer());
    expect(Array.from(await decodeImage(tinted, { ...RGB_8, height: 2, width: 2, colorMode: 'grayscale' }))).toEqual([119, 119, 119, 119]);
    const grayFile = await writeFile(path.join(dir, 'gray.png'), await solid(8, 8, { r: 90, g: 90, b: 90 }).toColourspace('b-w').png().toBuffer());
    expect((await sharp(grayFile).metadata()).channels).toBe(1);
    expect(Array.from((await decodeImage(grayFile, RGB_8)).subarray(0, 3))).toEqual([90, 90, 90]);
  });

  it('reads the first frame of an animated GIF', async () => {
    const frames = [await solid(8, 8, RED).png().toBuffer(), await solid(8, 8, BLUE).png().toBuffer()];
    const gif = await sharp(frames, { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const file = await writeFile(path.join(dir, 'animated.gif'), gif);
    const pixels = await decodeImage(file, RGB_8);
    expect(pixels.length).toBe(8 * 8 * 3);
    expectColour(pixels, RED, 8);
  });

  it('refuses an empty file', async () => {
    const file = await writeFile(path.join(dir, 'empty.jpg'), '');
    expect((await decodeFailure(file)).reason).toBe('empty file (0 bytes)');
  });

  it('refuses a truncated JPEG', async () => {
    const file = await writeFile(path.join(dir, 'truncated.jpg'), await truncatedJpeg());
    expect((await decodeFailure(file)).reason).toMatch(/^truncated or corrupt image data/);
  });

  it('refuses a text file named .png as not an image', async () => {
    const file = await writeFile(path.join(dir, 'notes.png'), 'these are not pixels\n');
    expect((await decodeFailure(file)).reason).toMatch(/^not an image/);
  });

  it('refuses a BMP with a reason that says to convert it', async () => {
    const file = await writeFile(path.join(dir, 'old.bmp'), bmp(4, 4));
    expect((await decodeFailure(file)).reason).toMatch(/BMP .*convert the file to PNG/);
  });

  it('refuses a PNG whose header declares a huge size, naming the size, before decoding it', async () => {
    const file = await writeFile(path.join(dir, 'bomb.png'), await pngDeclaring(100_000, 100_000));
    expect((await fs.stat(file)).size).toBeLessThan(200);
    const error = await decodeFailure(file, { ...RGB_8, maxPixels: 50_000_000 });
    expect(error.reason).toContain('declares 100000x100000 = 10,000,000,000 pixels, over the limit of 50,000,000');
  });

  it('refuses a real image larger than a low pixel limit', async () => {
    const file = await writeFile(path.join(dir, 'large.png'), await solid(300, 200, RED).png().toBuffer());
    const error = await decodeFailure(file, { ...RGB_8, maxPixels: 10_000 });
    expect(error.reason).toContain('declares 300x200 = 60,000 pixels');
  });

  it.skipIf(isRoot())('refuses a file it may not read (chmod 000; skipped as root, where reads are not blocked)', async () => {
    const file = await writeSolidImage(path.join(dir, 'locked.png'), RED);
    await fs.chmod(file, 0o000);
    try {
      expect((await decodeFailure(file)).reason).toBe('cannot be read: permission denied');
    } finally {
      await fs.chmod(file, 0o644);
    }
  });
});

describe('checkImages and the bad image policy', () => {
  it('keeps the pixels of good files in order and lists every bad one with its reason', async () => {
    const folder = path.join(dir, 'mixed');
    const files = [
      await writeSolidImage(path.join(folder, 'a.png'), RED),
      await writeFile(path.join(folder, 'b.jpg'), ''),
      await writeSolidImage(path.join(folder, 'c.webp'), BLUE),
      await writeFile(path.join(folder, 'd.png'), 'text'),
      await writeFile(path.join(folder, 'e.jpg'), await truncatedJpeg()),
      await writeSolidImage(path.join(folder, 'f.jpg'), RED),
    ];
    const progress: number[] = [];
    const checked = await checkImages(
      files.map((file) => ({ file })),
      { ...RGB_8, concurrency: 2, onProgress: (done) => progress.push(done) },
    );
    expect(checked.good.map((g) => path.basename(g.item.file))).toEqual(['a.png', 'c.webp', 'f.jpg']);
    expectColour(checked.good[1]!.pixels, BLUE, 2);
    expect(checked.bad.map((b) => [path.basename(b.file), b.reason.split(' ')[0]])).toEqual([
      ['b.jpg', 'empty'],
      ['d.png', 'not'],
      ['e.jpg', 'truncated'],
    ]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);

    const error = (() => {
      try {
        applyBadImagePolicy(checked.bad, files.length, 'fail');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4108');
    for (const bad of checked.bad) expect((error as RunError).message).toContain(`${bad.file}: ${bad.reason}`);
    expect((error as RunError).message).toContain('3 of 6 image files cannot be used');

    const warning = applyBadImagePolicy(checked.bad, files.length, 'skip');
    expect(warning).toMatch(/^skipped 3 of 6 image files/);
    expect(applyBadImagePolicy([], files.length, 'fail')).toBeNull();
  });

  it('names the first five bad files in a skip warning and counts the rest', () => {
    const bad = Array.from({ length: 8 }, (_, i) => ({ file: `/data/x/${i}.jpg`, reason: 'empty file (0 bytes)' }));
    const warning = applyBadImagePolicy(bad, 100, 'skip')!;
    expect(warning).toContain('/data/x/4.jpg');
    expect(warning).not.toContain('/data/x/5.jpg');
    expect(warning).toContain('… and 3 more');
  });
});
