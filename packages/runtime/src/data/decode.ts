// Decoding one image file into the pixels a model sees, with sharp, the way Keras's load_img
// with target_size does it: EXIF orientation applied, resized to exactly height x width
// (stretched, no crop; bilinear: enlargements exactly as PIL's, see upscale.ts), alpha dropped (not composited, as PIL's convert('RGB')),
// or, with `resize crop` / `pad`, the target's aspect ratio kept: the centred window cropped
// (Keras's crop_to_aspect_ratio) or the whole image fitted on black (pad_to_aspect_ratio),
// 16-bit and CMYK converted to 8-bit sRGB, the first frame of an animated GIF. Grayscale is
// computed from the sRGB pixels with PIL's convert('L') formula (ITU-R 601-2 luma, the same
// integer rounding), so a grayscale image gets exactly the values Keras would give it.
// Output: HWC Uint8Array, 0..255.
// A file that cannot be used raises BadImageError with a reason for people; a declared size
// over maxPixels is refused from the header, before any pixel is decoded (decompression bombs).
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { upscaleBilinear } from './upscale';

export interface DecodeOptions {
  height: number;
  width: number;
  colorMode: 'rgb' | 'grayscale';
  /** Largest width x height accepted as declared in the file's header. */
  maxPixels: number;
  /**
   * Another aspect ratio: `stretch` (absent: Keras's load_img), `crop` (the centred window of the
   * target's aspect ratio, then resized), `pad` (resized to fit, centred on black).
   */
  resize?: 'stretch' | 'crop' | 'pad';
}

/** A file that is not a usable image; `reason` is for people ("truncated or corrupt …"). */
export class BadImageError extends Error {
  override readonly name = 'BadImageError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export const channelsOf = (colorMode: DecodeOptions['colorMode']): number => (colorMode === 'rgb' ? 3 : 1);

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EACCES' || code === 'EPERM' ? 'cannot be read: permission denied'
      : code === 'ENOENT' ? 'the file does not exist (moved or deleted?)'
      : code === 'EISDIR' ? 'is a folder, not an image file'
      : `cannot be read: ${(error as Error).message}`;
    throw new BadImageError(file, reason);
  }
}

/** sharp's (libvips's) message, first line; empty when it has none to give. */
function sharpDetail(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  // libvips keeps one error buffer per process: when two decodes fail at once, one of them may
  // be left with "Unknown error". The reason below therefore rests on which step failed (the
  // header or the pixels), and the message is only a detail.
  return /^unknown error$/i.test(message) ? '' : message;
}

const withDetail = (reason: string, detail: string): string => (detail === '' ? reason : `${reason} (${detail})`);

/** Why the header could not be read. */
function headerReason(file: string, error: unknown): string {
  const detail = sharpDetail(error);
  if (path.extname(file).toLowerCase() === '.bmp') return 'BMP images cannot be decoded (sharp has no BMP support); convert the file to PNG';
  if (/corrupt header|premature end|truncat/i.test(detail)) return withDetail('truncated or corrupt image data', detail);
  return 'not an image, or an image format that cannot be read (expected JPEG, PNG, WebP, GIF, TIFF or AVIF)';
}

/** Why the pixels could not be decoded although the header could. */
function pixelsReason(error: unknown): string {
  return withDetail('truncated or corrupt image data', sharpDetail(error));
}

function checkDeclaredSize(file: string, width: number | undefined, height: number | undefined, maxPixels: number): void {
  if (width === undefined || height === undefined) throw new BadImageError(file, 'the image header declares no size');
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new BadImageError(
      file,
      `declares ${width}x${height} = ${pixels.toLocaleString('en-US')} pixels, over the limit of ${maxPixels.toLocaleString('en-US')} (a decompression bomb, or an image too large: resize it, or raise the limit)`,
    );
  }
}

/** One channel from RGB triples, as PIL's convert('L'): (R*19595 + G*38470 + B*7471 + 2^15) >> 16. */
function luma(rgb: Uint8Array): Uint8Array {
  const gray = new Uint8Array(rgb.length / 3);
  for (let i = 0, j = 0; i < gray.length; i++, j += 3) {
    gray[i] = (rgb[j]! * 19595 + rgb[j + 1]! * 38470 + rgb[j + 2]! * 7471 + 0x8000) >> 16;
  }
  return gray;
}

/** Decodes `file` to HWC 8-bit pixels of exactly options.height x options.width. */
export async function decodeImage(file: string, options: DecodeOptions): Promise<Uint8Array> {
  const bytes = await readBytes(file);
  if (bytes.length === 0) throw new BadImageError(file, 'empty file (0 bytes)');
  const open = (limitInputPixels: number | false) => sharp(bytes, { failOn: 'truncated', limitInputPixels, pages: 1, page: 0 });
  let header: Metadata;
  try {
    // The header alone (no pixels decoded), so the declared size can be named in the refusal.
    header = await open(false).metadata();
  } catch (error) {
    throw new BadImageError(file, headerReason(file, error));
  }
  const declaredHeight = header.pageHeight ?? header.height;
  checkDeclaredSize(file, header.width, declaredHeight, options.maxPixels);
  // EXIF orientations 5 to 8 turn the image a quarter: its width becomes its height.
  const quarterTurn = (header.orientation ?? 1) >= 5;
  const sourceWidth = quarterTurn ? declaredHeight! : header.width!;
  const sourceHeight = quarterTurn ? header.width! : declaredHeight!;
  // Enlargements are done by upscaleBilinear (PIL's result, bit for bit); reductions by libvips,
  // which shrinks a large JPEG while decoding it, within a few levels of PIL (measured on a
  // 500x375 image: to 224x224 at most 3 off, 88% equal; to 96x96 at most 6, 67% equal).
  // crop and pad go through libvips's resize (fit cover / contain) whatever the size.
  const keepAspect = options.resize === 'crop' || options.resize === 'pad';
  const enlarge = !keepAspect && sourceWidth <= options.width && sourceHeight <= options.height;
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = open(options.maxPixels).rotate();
    if (keepAspect) {
      pipeline = pipeline.resize({
        width: options.width, height: options.height, kernel: 'linear', position: 'centre',
        fit: options.resize === 'crop' ? 'cover' : 'contain', background: { r: 0, g: 0, b: 0, alpha: 1 },
      });
    } else if (!enlarge) pipeline = pipeline.resize({ width: options.width, height: options.height, fit: 'fill', kernel: 'linear' });
    decoded = await pipeline.removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new BadImageError(file, pixelsReason(error));
  }
  const { info } = decoded;
  const expected = enlarge ? { width: sourceWidth, height: sourceHeight } : options;
  if (info.channels !== 3 || info.width !== expected.width || info.height !== expected.height) {
    throw new BadImageError(file, `decoded to ${info.width}x${info.height}x${info.channels}, expected ${expected.width}x${expected.height}x3`);
  }
  if (enlarge) {
    // Keras's order: to grayscale first (PIL's convert('L')), then resized.
    const gray = options.colorMode === 'grayscale';
    return upscaleBilinear(gray ? luma(decoded.data) : decoded.data, info.height, info.width, gray ? 1 : 3, options.height, options.width);
  }
  const { data } = decoded;
  if (options.colorMode === 'grayscale') return luma(data);
  // Own the pixels outright: a view into a larger shared buffer would keep all of it alive.
  const ownsBuffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return ownsBuffer ? new Uint8Array(data.buffer) : new Uint8Array(data);
}
