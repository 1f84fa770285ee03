// Resampling an HWC image through an affine matrix (see matrix.ts): bilinear interpolation
// (Keras's order=1) whose four neighbours, when outside the image, are read by the fill mode
// (Keras's fill_mode, each neighbour's index fixed as keras.ops.image.map_coordinates does):
//   nearest   a a | a b c d | d d   (the edge pixel; Keras's default)
//   constant  k k | a b c d | k k   (k = the fill value; 0 unless given)
//   reflect   b a | a b c d | d c   (mirrored about the edge, the edge pixel repeated)
//   wrap      c d | a b c d | a b   (the opposite side: periodic with the image's side)
// Then the channel shift (one intensity added to every channel, clipped to the warped image's
// own min and max, as Keras's apply_channel_shift), then the brightness factor multiplies and
// the result is clipped to 0..255.
// Positions within 1e-9 of a whole pixel are snapped to it, so right-angle rotations, flips
// and whole-pixel shifts reproduce pixel values exactly despite floating-point sin/cos.
import type { Matrix3 } from './matrix';

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export type FillMode = 'nearest' | 'constant' | 'reflect' | 'wrap';

export interface PixelOptions {
  fill: { mode: FillMode; value: number };
  /** Added to every value before brightness, clipped to the image's min..max; 0 leaves it. */
  channelShift: number;
  /** Multiplies every value (then clipped to 0..255); 1 leaves it. */
  brightness: number;
}

const snap = (v: number): number => {
  const nearest = Math.round(v);
  return Math.abs(v - nearest) < 1e-9 ? nearest : v;
};

/** -1 marks a neighbour outside the image under `constant`. */
function indexFixer(mode: FillMode): (i: number, n: number) => number {
  switch (mode) {
    case 'nearest':
      return (i, n) => (i < 0 ? 0 : i >= n ? n - 1 : i);
    case 'constant':
      return (i, n) => (i < 0 || i >= n ? -1 : i);
    case 'reflect':
      return (i, n) => {
        const period = 2 * n;
        const m = ((i % period) + period) % period;
        return m < n ? m : period - 1 - m;
      };
    case 'wrap':
      return (i, n) => ((i % n) + n) % n;
  }
}

/** Writes the warped image into out[offset … offset + h*w*c). */
export function warpAffine(
  source: ArrayLike<number>,
  shape: ImageShape,
  matrix: Matrix3,
  options: PixelOptions,
  out: Float32Array,
  offset: number,
): void {
  const { height, width, channels } = shape;
  const [a, b, c, d, e, f] = matrix as [number, number, number, number, number, number];
  const fix = indexFixer(options.fill.mode);
  const cval = options.fill.value;
  // Without a channel shift each value is finished at once (in double precision); with one, the
  // warped image's min and max are needed first, so a second pass finishes it.
  const direct = options.channelShift === 0;
  const brightness = options.brightness;
  let target = offset;
  for (let row = 0; row < height; row++) {
    // Source position of (row, 0); each step along the row adds (b, e).
    let rowY = a * row + c;
    let rowX = d * row + f;
    for (let col = 0; col < width; col++, rowY += b, rowX += e) {
      const y = snap(rowY);
      const x = snap(rowX);
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const fy = y - y0;
      const fx = x - x0;
      // A neighbour of weight 0 is never read: a whole-pixel position needs only its own pixel.
      const r0 = fix(y0, height);
      const r1 = fy === 0 ? r0 : fix(y0 + 1, height);
      const c0 = fix(x0, width);
      const c1 = fx === 0 ? c0 : fix(x0 + 1, width);
      const w00 = (1 - fy) * (1 - fx);
      const w01 = (1 - fy) * fx;
      const w10 = fy * (1 - fx);
      const w11 = fy * fx;
      const p00 = r0 < 0 || c0 < 0 ? -1 : (r0 * width + c0) * channels;
      const p01 = r0 < 0 || c1 < 0 ? -1 : (r0 * width + c1) * channels;
      const p10 = r1 < 0 || c0 < 0 ? -1 : (r1 * width + c0) * channels;
      const p11 = r1 < 0 || c1 < 0 ? -1 : (r1 * width + c1) * channels;
      for (let ch = 0; ch < channels; ch++) {
        const value =
          w00 * (p00 < 0 ? cval : source[p00 + ch]!) +
          w01 * (p01 < 0 ? cval : source[p01 + ch]!) +
          w10 * (p10 < 0 ? cval : source[p10 + ch]!) +
          w11 * (p11 < 0 ? cval : source[p11 + ch]!);
        out[target++] = direct ? clip255(value * brightness) : value;
      }
    }
  }
  if (!direct) shiftChannels(out, offset, height * width * channels, options.channelShift, brightness);
}

const clip255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Keras's apply_channel_shift (clipped to the image's min..max), then brightness and 0..255. */
function shiftChannels(out: Float32Array, offset: number, length: number, shift: number, brightness: number): void {
  const end = offset + length;
  let low = Infinity;
  let high = -Infinity;
  for (let i = offset; i < end; i++) {
    const v = out[i]!;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  for (let i = offset; i < end; i++) {
    const v = out[i]! + shift;
    out[i] = clip255((v < low ? low : v > high ? high : v) * brightness);
  }
}
