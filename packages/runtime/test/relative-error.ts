// How the gradient and kernel tests compare two computations of the same values: the largest
// absolute difference over the largest magnitude of the expected values (which must not all be 0).
import { expect } from 'vitest';

export function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  return worst / scale;
}
