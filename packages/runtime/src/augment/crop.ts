// `random crop`: torchvision's RandomResizedCrop (fastai's RandomResizedCrop, Keras's RandomCrop
// in spirit). Each training image, each epoch, gets a window drawn as torchvision's get_params
// draws it: up to 10 attempts of an area share uniform in `scale` and an aspect ratio (width /
// height) log-uniform in `ratio`, sides rounded, placed uniformly where it fits; when none fits,
// the centred window of the image with the ratio clamped into `ratio`. The window is resized to the
// model's size bilinearly with PIL's antialiasing (the filter widens when it shrinks, as PIL's
// resize(BILINEAR) does on the PIL images torchvision crops), kept in float (no 8-bit rounding).
//
// The window is cut from real pixels: the training images are decoded at a larger source size
// (randomCropSourceSize), so a small window still holds detail rather than an enlarged
// model-size image. Draws come from (seed, random-crop stream, epoch, image index), apart from
// the other transforms' stream, so adding `random crop` leaves their draws as they were and a
// resumed run crops as the uninterrupted one.
import type { RandomCropPlan } from '@tlc/plan';
import { createRng, STREAMS, type Rng } from '../random';
import type { ImageShape } from './warp';

/** A window of an image, in whole pixels. */
export interface CropWindow {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** The source images are at most this many times the model's size per side (4x the pixels). */
export const MAX_SOURCE_FACTOR = 2;

/**
 * The size the training images are decoded at for `random crop`: the model's size times
 * min(2, 1 / sqrt(scale LO)) per side, rounded. The smallest window (scale LO of the area) then
 * has about the model's size in source pixels, so it is not enlarged; the factor 2 bounds the
 * memory (and the pixel cache) to 4x a model-size set. scale LO = 1 leaves the model's size.
 */
export function randomCropSourceSize(imageSize: readonly [number, number], crop: RandomCropPlan): [number, number] {
  const factor = Math.min(MAX_SOURCE_FACTOR, 1 / Math.sqrt(crop.scale[0]));
  return [Math.round(imageSize[0] * factor), Math.round(imageSize[1] * factor)];
}

/** Python's round(): halves to even, as torchvision's `int(round(...))`. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision's RandomResizedCrop.get_params on an image of `height` x `width`. */
export function drawCropWindow(rng: Rng, height: number, width: number, crop: RandomCropPlan): CropWindow {
  const area = height * width;
  const [logLow, logHigh] = [Math.log(crop.ratio[0]), Math.log(crop.ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniform(crop.scale[0], crop.scale[1]);
    const aspect = Math.exp(rng.uniform(logLow, logHigh));
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      // torch.randint(0, n + 1): uniform in 0..n.
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  // The fallback: the centred window, its ratio clamped into the range.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...crop.ratio)) h = roundHalfEven(w / Math.min(...crop.ratio));
  else if (inRatio > Math.max(...crop.ratio)) w = roundHalfEven(h * Math.max(...crop.ratio));
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** The whole image as a window. */
export const wholeImage = (shape: ImageShape): CropWindow => ({ top: 0, left: 0, height: shape.height, width: shape.width });

/**
 * PIL's bilinear coefficients for `inSize` input pixels to `outSize` (precompute_coeffs): the
 * triangle filter widened by the reduction factor when shrinking; per output pixel the first input
 * index, the tap count and the normalised weights (at most `taps` per pixel).
 */
function coefficients(inSize: number, outSize: number): { first: Int32Array; count: Int32Array; weights: Float64Array; taps: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const start = Math.max(Math.trunc(centre - support + 0.5), 0);
    const n = Math.min(Math.min(Math.trunc(centre + support + 0.5), inSize) - start, taps);
    let total = 0;
    for (let t = 0; t < n; t++) {
      const x = Math.abs((t + start - centre + 0.5) / filterScale);
      const w = x < 1 ? 1 - x : 0;
      weights[o * taps + t] = w;
      total += w;
    }
    if (total !== 0) for (let t = 0; t < n; t++) weights[o * taps + t]! /= total;
    first[o] = start;
    count[o] = n;
  }
  return { first, count, weights, taps };
}

/**
 * `window` of `pixels` (shape `source`, HWC 0..255) resized to `target`'s height and width,
 * bilinear with PIL's antialiasing, columns then rows; float 0..255 HWC.
 */
export function resizeWindow(pixels: ArrayLike<number>, source: ImageShape, window: CropWindow, target: { height: number; width: number }): Float32Array {
  const { channels } = source;
  const cols = coefficients(window.width, target.width);
  const rows = coefficients(window.height, target.height);
  // Columns: window.height rows of target.width pixels.
  const wide = new Float32Array(window.height * target.width * channels);
  for (let r = 0; r < window.height; r++) {
    const rowStart = ((window.top + r) * source.width + window.left) * channels;
    for (let x = 0; x < target.width; x++) {
      const out = (r * target.width + x) * channels;
      const from = rowStart + cols.first[x]! * channels;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let t = 0; t < cols.count[x]!; t++) sum += pixels[from + t * channels + c]! * cols.weights[x * cols.taps + t]!;
        wide[out + c] = sum;
      }
    }
  }
  // Rows: target.height rows from the window's.
  const rowValues = target.width * channels;
  const out = new Float32Array(target.height * rowValues);
  for (let y = 0; y < target.height; y++) {
    const first = rows.first[y]!;
    for (let t = 0; t < rows.count[y]!; t++) {
      const k = rows.weights[y * rows.taps + t]!;
      if (k === 0) continue;
      const from = (first + t) * rowValues;
      const to = y * rowValues;
      for (let i = 0; i < rowValues; i++) out[to + i]! += wide[from + i]! * k;
    }
  }
  return out;
}

/** The random window for image `index` in `epoch` (from the plan's seed), cut from `pixels` and resized to `target`. */
export function randomResizedCrop(
  crop: RandomCropPlan,
  seed: number,
  pixels: ArrayLike<number>,
  source: ImageShape,
  target: { height: number; width: number },
  position: { epoch: number; index: number },
): Float32Array {
  return resizeWindow(pixels, source, cropWindowOf(crop, seed, source, position), target);
}

/** The window `randomResizedCrop` cuts for image `index` in `epoch`. */
export function cropWindowOf(crop: RandomCropPlan, seed: number, source: { height: number; width: number }, position: { epoch: number; index: number }): CropWindow {
  const rng = createRng(seed, STREAMS.randomCrop, position.epoch, position.index);
  return drawCropWindow(rng, source.height, source.width, crop);
}
