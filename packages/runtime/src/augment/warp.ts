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
    // Source position of (row, 0); each step along the row adds (b, e).
    let rowY = a * row + c;
    let rowX = d * row + f;
    for (let col = 0; col < width; col++, rowY += b, rowX += e) {
      const y = clamp(snap(rowY), height - 1);
      const x = clamp(snap(rowX), width - 1);
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const fy = y - y0;
      const fx = x - x0;
      const p00 = (y0 * width + x0) * channels;
      // Neighbours past the last row or column are the edge itself (their weight is 0 there).
      const p01 = x0 + 1 < width ? p00 + channels : p00;
      const p10 = y0 + 1 < height ? p00 + width * channels : p00;
      const p11 = x0 + 1 < width ? p10 + channels : p10;
      const w00 = (1 - fy) * (1 - fx);
      const w01 = (1 - fy) * fx;
      const w10 = fy * (1 - fx);
      const w11 = fy * fx;
      for (let ch = 0; ch < channels; ch++) {
        const value = (w00 * source[p00 + ch]! + w01 * source[p01 + ch]! + w10 * source[p10 + ch]! + w11 * source[p11 + ch]!) * brightness;
        out[target++] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
}
