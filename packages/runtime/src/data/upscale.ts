// Bilinear enlargement of 8-bit HWC pixels, as PIL's resize(BILINEAR) and tf.image.resize
// ('bilinear') compute it when the image grows: pixel centres aligned (output pixel x samples the
// input at (x + 0.5) * in / out - 0.5), the two nearest input pixels on each axis weighted by
// distance, edges clamped; PIL's fixed-point weights and rounding, rows then columns.
// The decoder enlarges here rather than in libvips for two reasons, both measured: sharp's
// `linear` kernel samples enlargements half an output pixel off those centres (4 pixels 0, 100,
// 200, 250 to 8 give 0 0 50 100 150 200 225 250; PIL gives 0 25 75 125 175 213 238 250), and a
// libvips resize costs about 1.4 ms of fixed overhead per image, more than decoding a small PNG,
// where this loop takes a few hundredths of that.

/** PIL's fixed-point precision for 8-bit resampling (32 - 8 - 2 bits). */
const PRECISION_BITS = 22;
/** At most this many input pixels fall under the bilinear filter for one output pixel. */
const MAX_TAPS = 3;

/**
 * PIL's resampling coefficients for one axis, enlarging (filter scale 1, support 1): per output
 * coordinate the first input index and the integer weights of up to MAX_TAPS pixels from there.
 * Computed in the same double-precision steps as PIL's precompute_coeffs and
 * normalize_coeffs_8bpc, so the rounding is PIL's.
 */
function coefficients(inSize: number, outSize: number): { first: Int32Array; weights: Int32Array } {
  const first = new Int32Array(outSize);
  const weights = new Int32Array(outSize * MAX_TAPS);
  const scale = inSize / outSize;
  const triangle = (x: number) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0);
  const real = new Float64Array(MAX_TAPS);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const start = Math.max(Math.trunc(centre - 1 + 0.5), 0);
    const end = Math.min(Math.trunc(centre + 1 + 0.5), inSize);
    const count = Math.min(end - start, MAX_TAPS);
    let total = 0;
    for (let t = 0; t < count; t++) {
      real[t] = triangle(t + start - centre + 0.5);
      total += real[t]!;
    }
    first[o] = start;
    for (let t = 0; t < count; t++) {
      const k = total !== 0 ? real[t]! / total : real[t]!;
      weights[o * MAX_TAPS + t] = Math.trunc(k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5 + k * (1 << PRECISION_BITS));
    }
  }
  return { first, weights };
}

/** PIL's clip8 of a fixed-point sum. */
function toByte(sum: number): number {
  const value = sum >> PRECISION_BITS;
  return value <= 0 ? 0 : value >= 255 ? 255 : value;
}

/**
 * `data` laid out [outer][inSize][inner] resampled along its middle axis to [outer][outSize][inner],
 * with PIL's integer weights and rounding.
 */
function resampleAxis(data: Uint8Array, outer: number, inSize: number, inner: number, outSize: number): Uint8Array {
  const { first, weights } = coefficients(inSize, outSize);
  const out = new Uint8Array(outer * outSize * inner);
  const half = 1 << (PRECISION_BITS - 1);
  for (let o = 0; o < outer; o++) {
    for (let x = 0; x < outSize; x++) {
      const source = (o * inSize + first[x]!) * inner;
      const target = (o * outSize + x) * inner;
      for (let i = 0; i < inner; i++) {
        let sum = half;
        for (let t = 0; t < MAX_TAPS; t++) {
          const k = weights[x * MAX_TAPS + t]!;
          if (k !== 0) sum += data[source + t * inner + i]! * k;
        }
        out[target + i] = toByte(sum);
      }
    }
  }
  return out;
}

/**
 * `pixels` (height x width x channels, 8-bit) enlarged to outHeight x outWidth, each at least the
 * input's size. Rows first, rounded to 8 bits, then columns, each axis left alone when its size
 * does not change, as PIL does: the result equals PIL's bit for bit.
 */
export function upscaleBilinear(
  pixels: Uint8Array,
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number,
): Uint8Array {
  if (outHeight < height || outWidth < width) {
    throw new RangeError(`upscaleBilinear enlarges only: ${width}x${height} to ${outWidth}x${outHeight}`);
  }
  const wide = outWidth === width ? pixels : resampleAxis(pixels, height, width, channels, outWidth);
  if (outHeight === height) return wide === pixels ? pixels.slice() : wide;
  return resampleAxis(wide, 1, height, outWidth * channels, outHeight);
}
