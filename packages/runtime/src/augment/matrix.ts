// The single affine matrix an augmentation samples through, built like Keras's
// apply_affine_transform: rotation · shift · shear · zoom, taken about the image centre
// ((h-1)/2, (w-1)/2), acting on (row, column, 1). It maps an OUTPUT pixel to the INPUT position
// it reads (as scipy.ndimage.affine_transform does). Flips come last in Keras (after the affine
// warp), which is the same as reading the warped image at mirrored output positions, so they
// are folded in as a final mirror about the centre.
import type { TransformParams } from './params';

/** Row-major 3x3: [a, b, c, d, e, f, 0, 0, 1] maps (r, c) to (a r + b c + c0, d r + e c + f0). */
export type Matrix3 = readonly number[];

export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  }
  return out;
}

const radians = (degrees: number): number => (degrees * Math.PI) / 180;

export function transformMatrix(p: TransformParams, height: number, width: number): Matrix3 {
  const theta = radians(p.rotation);
  const rotation = [Math.cos(theta), Math.sin(theta), 0, -Math.sin(theta), Math.cos(theta), 0, 0, 0, 1];
  const shift = [1, 0, p.shiftRows, 0, 1, p.shiftCols, 0, 0, 1];
  const shearAngle = radians(p.shear);
  const shear = [1, -Math.sin(shearAngle), 0, 0, Math.cos(shearAngle), 0, 0, 0, 1];
  const zoom = [p.zoomRows, 0, 0, 0, p.zoomCols, 0, 0, 0, 1];
  const centreRow = height / 2 - 0.5;
  const centreCol = width / 2 - 0.5;
  const toCentre = [1, 0, centreRow, 0, 1, centreCol, 0, 0, 1];
  const fromCentre = [1, 0, -centreRow, 0, 1, -centreCol, 0, 0, 1];
  const mirror = [
    p.flipVertical ? -1 : 1, 0, p.flipVertical ? height - 1 : 0,
    0, p.flipHorizontal ? -1 : 1, p.flipHorizontal ? width - 1 : 0,
    0, 0, 1,
  ];
  const affine = [shift, shear, zoom].reduce<Matrix3>(multiply, rotation);
  return multiply(multiply(multiply(toCentre, affine), fromCentre), mirror);
}
