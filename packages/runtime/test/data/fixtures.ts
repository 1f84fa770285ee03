// Real image files for the data tests, written with sharp into a fresh temporary folder:
// solid colours and two-colour halves in every format, EXIF-rotated, RGBA, 16-bit, CMYK, an
// animated GIF, and broken files (empty, truncated, text named .png, a PNG whose header
// declares a huge size, a BMP sharp cannot read).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export type Rgb = { r: number; g: number; b: number };

export const RED: Rgb = { r: 220, g: 30, b: 40 };
export const BLUE: Rgb = { r: 20, g: 40, b: 210 };

export async function tempFolder(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'tlc-data-test-'));
}

export async function writeFile(file: string, bytes: Buffer | string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  return file;
}

export function solid(width: number, height: number, colour: Rgb): Sharp {
  return sharp({ create: { width, height, channels: 3, background: colour } });
}

/** Raw RGB pixels: `first` where `isFirst(row, col)`, else `second`. */
export function twoColour(width: number, height: number, isFirst: (row: number, col: number) => boolean, first = RED, second = BLUE): Sharp {
  const data = Buffer.alloc(width * height * 3);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const colour = isFirst(r, c) ? first : second;
      data.set([colour.r, colour.g, colour.b], (r * width + c) * 3);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** A small solid-colour image file in the format its extension names. */
export async function writeSolidImage(file: string, colour: Rgb, size = 16): Promise<string> {
  const image = solid(size, size, colour);
  const ext = path.extname(file).toLowerCase();
  const encoded =
    ext === '.png' ? image.png()
    : ext === '.webp' ? image.webp({ lossless: true })
    : ext === '.gif' ? image.gif()
    : ext === '.tif' || ext === '.tiff' ? image.tiff()
    : ext === '.avif' ? image.avif({ lossless: true })
    : image.jpeg({ quality: 95 });
  return writeFile(file, await encoded.toBuffer());
}

/** A valid PNG whose IHDR then claims width x height (CRC fixed), so only its header is huge. */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await solid(1, 1, RED).png().toBuffer());
  // Signature (8) + IHDR length (4) + type (4): width and height follow at 16 and 20.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A minimal uncompressed 24-bit BMP (sharp has no BMP decoder). */
export function bmp(width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeUInt32LE(54 + rowBytes * height, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(rowBytes * height, 34);
  return Buffer.concat([header, Buffer.alloc(rowBytes * height, 128)]);
}

/** A noisy JPEG (so its scan data is long) cut to 60% of its bytes. */
export async function truncatedJpeg(): Promise<Buffer> {
  const size = 96;
  const noise = Buffer.alloc(size * size * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  const jpeg = await sharp(noise, { raw: { width: size, height: size, channels: 3 } }).jpeg().toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
}

/** The mean of each channel of HWC pixels. */
export function channelMeans(pixels: Uint8Array, channels: number): number[] {
  const sums = new Array<number>(channels).fill(0);
  for (let i = 0; i < pixels.length; i++) sums[i % channels]! += pixels[i]!;
  return sums.map((sum) => sum / (pixels.length / channels));
}

export const isRoot = (): boolean => process.getuid?.() === 0;
