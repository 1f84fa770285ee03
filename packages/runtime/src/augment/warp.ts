// Resampling an HWC image through an affine matrix (see matrix.ts): bilinear interpolation
// (Keras's order=1), positions outside the image read the nearest edge pixel (fill mode
// 'nearest'), then the brightness factor multiplies and the result is clipped to 0..255.
// Positions within 1e-9 of a whole pixel are snapped to it, so right-angle rotations, flips
// and whole-pixel shifts reproduce pixel values exactly despite floating-point sin/cos.
import type { Matrix3 } from './matrix';

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

const snap = (v: number): number => {
  const nearest = Math.round(v);
  return Math.abs(v - nearest) < 1e-9 ? nearest : v;
};

const clamp = (v: number, high: number): number => (v < 0 ? 0 : v > high ? high : v);

/** Writes the warped image into out[offset … offset + h*w*c). */
export function warpAffine(
  source: ArrayLike<number>,
  shape: ImageShape,
  matrix: Matrix3,
  brightness: number,
  out: Float32Array,
  offset: number,
): void {
  const { height, width, channels } = shape;
  const [a, b, c, d, e, f] = matrix as [number, number, number, number, number, number];
  let target = offset;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const y = clamp(snap(a * row + b * col + c), height - 1);
      const x = clamp(snap(d * row + e * col + f), width - 1);
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const y1 = Math.min(y0 + 1, height - 1);
      const x1 = Math.min(x0 + 1, width - 1);
      const fy = y - y0;
      const fx = x - x0;
      const w00 = (1 - fy) * (1 - fx);
      const w01 = (1 - fy) * fx;
      const w10 = fy * (1 - fx);
      const w11 = fy * fx;
      const p00 = (y0 * width + x0) * channels;
      const p01 = (y0 * width + x1) * channels;
      const p10 = (y1 * width + x0) * channels;
      const p11 = (y1 * width + x1) * channels;
      for (let ch = 0; ch < channels; ch++) {
        const value = (w00 * source[p00 + ch]! + w01 * source[p01 + ch]! + w10 * source[p10 + ch]! + w11 * source[p11 + ch]!) * brightness;
        out[target++] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
}
