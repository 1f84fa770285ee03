// One image's random augmentation, drawn the way Keras's ImageDataGenerator.random_transform
// draws it: rotation uniform in ±rotation degrees; shifts uniform in ±fraction of the height
// (rows) and width (columns), in pixels; shear uniform in ±shear degrees; zoom factors for rows
// and columns drawn independently in the zoom range [lower, upper]; each flip with probability
// 0.5; the channel-shift intensity uniform in ±channelShift; brightness factor uniform in its
// range. Only enabled transforms consume random numbers.
import type { AugmentPlan } from '@tlc/plan';
import type { Rng } from '../random';

export interface TransformParams {
  /** Degrees; positive turns the picture counter-clockwise on screen. */
  rotation: number;
  /** Pixels; the content moves up (rows) / left (columns) for positive values, as in Keras. */
  shiftRows: number;
  shiftCols: number;
  /** Degrees. */
  shear: number;
  /** Sampling scale per axis: above 1 zooms out, below 1 zooms in, as in Keras. */
  zoomRows: number;
  zoomCols: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Added to every channel, clipped to the image's min..max (Keras's channel shift); 0 leaves it. */
  channelShift: number;
  /** Multiplies every pixel value (then clipped to 0..255); 1 leaves it. */
  brightness: number;
}

export const IDENTITY_TRANSFORM: Readonly<TransformParams> = {
  rotation: 0,
  shiftRows: 0,
  shiftCols: 0,
  shear: 0,
  zoomRows: 1,
  zoomCols: 1,
  flipHorizontal: false,
  flipVertical: false,
  channelShift: 0,
  brightness: 1,
};

export function sampleTransform(plan: AugmentPlan, rng: Rng, height: number, width: number): TransformParams {
  const symmetric = (range: number): number => (range > 0 ? rng.uniform(-range, range) : 0);
  const rotation = symmetric(plan.rotation);
  const shiftRows = symmetric(plan.shiftHeight) * height;
  const shiftCols = symmetric(plan.shiftWidth) * width;
  const shear = symmetric(plan.shear);
  const [zoomLow, zoomHigh] = plan.zoom;
  const zoomed = zoomLow !== 1 || zoomHigh !== 1;
  const zoomRows = zoomed ? rng.uniform(zoomLow, zoomHigh) : 1;
  const zoomCols = zoomed ? rng.uniform(zoomLow, zoomHigh) : 1;
  const flipHorizontal = plan.horizontalFlip && rng.next() < 0.5;
  const flipVertical = plan.verticalFlip && rng.next() < 0.5;
  const channelShift = symmetric(plan.channelShift);
  const brightness = plan.brightness ? rng.uniform(plan.brightness[0], plan.brightness[1]) : 1;
  return { rotation, shiftRows, shiftCols, shear, zoomRows, zoomCols, flipHorizontal, flipVertical, channelShift, brightness };
}
