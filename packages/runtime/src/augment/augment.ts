// Augmenting one image: apply given transform parameters (pure), or draw them from a seeded
// stream and apply them. The dataset draws each image's stream from (seed, epoch, image index),
// so an epoch's augmentation is the same whatever the batch size or order.
import type { AugmentPlan } from '@tlc/plan';
import { createRng, STREAMS } from '../random';
import { transformMatrix } from './matrix';
import { sampleTransform, type TransformParams } from './params';
import { warpAffine, type ImageShape } from './warp';

/** Keras's default fill: the nearest edge pixel. */
const NEAREST: AugmentPlan['fill'] = { mode: 'nearest', value: 0 };

/**
 * The image transformed by `params`, as float 0..255 HWC, positions outside the image read by
 * `fill`; written into `out` at `offset` when given.
 */
export function applyTransform(
  pixels: ArrayLike<number>,
  shape: ImageShape,
  params: TransformParams,
  out: Float32Array = new Float32Array(shape.height * shape.width * shape.channels),
  offset = 0,
  fill: AugmentPlan['fill'] = NEAREST,
): Float32Array {
  const options = { fill, channelShift: params.channelShift, brightness: params.brightness };
  warpAffine(pixels, shape, transformMatrix(params, shape.height, shape.width), options, out, offset);
  return out;
}

/** Draws the transform for image `index` in `epoch` from the plan's seed and applies it. */
export function augmentImage(
  plan: AugmentPlan,
  pixels: ArrayLike<number>,
  shape: ImageShape,
  position: { epoch: number; index: number },
  out?: Float32Array,
  offset?: number,
): Float32Array {
  const rng = createRng(plan.seed, STREAMS.augmentation, position.epoch, position.index);
  return applyTransform(pixels, shape, sampleTransform(plan, rng, shape.height, shape.width), out, offset, plan.fill);
}
