// mixup and cutmix on a training batch, after the per-image transforms, as the usual
// implementations do them (Zhang et al.'s mixup, Yun et al.'s CutMix; timm's Mixup when both are
// on): λ ~ Beta(α, α); each image is mixed with the image at its partner slot (a seeded
// permutation of the batch); mixup blends the pixels, x·λ + partner·(1 − λ); cutmix pastes the
// partner's pixels inside a box of side √(1 − λ) of the image's, centred at a uniform pixel and
// clipped to the image, then λ becomes the share of the image kept. The labels mix by λ (the
// loss, train/loss.ts). Everything is drawn from (seed, epoch, batch): the same batch mixes the
// same way in a resumed run.
import type { AugmentPlan } from '@tlc/plan';
import { createRng, STREAMS, type Rng } from '../random';
import type { ImageShape } from './warp';

export interface BatchMix {
  kind: 'mixup' | 'cutmix';
  /** The weight of each image's own label (and, for mixup, of its own pixels). */
  lambda: number;
  /** For each slot of the batch, the slot of the image mixed into it. */
  partners: Int32Array;
  /** cutmix: the pasted box, rows [top, bottom) and columns [left, right). */
  box?: { top: number; bottom: number; left: number; right: number };
}

export function mixes(plan: AugmentPlan | null): boolean {
  return plan !== null && (plan.mixup > 0 || plan.cutmix > 0);
}

/** A standard normal deviate (Box–Muller). */
function normal(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 through Gamma(shape + 1)·U^(1/shape). */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as Gamma(a) / (Gamma(a) + Gamma(b)). */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  // Both can underflow to 0 for a tiny alpha: Beta(α, α) then sits at 0 or 1 with equal odds.
  return x + y > 0 ? x / (x + y) : rng.next() < 0.5 ? 0 : 1;
}

/** The mix of training batch `batch` (1-based) of `epoch` for `size` images, or null when the plan mixes nothing. */
export function drawMix(plan: AugmentPlan, epoch: number, batch: number, size: number, shape: ImageShape): BatchMix | null {
  if (!mixes(plan)) return null;
  const rng = createRng(plan.seed, STREAMS.mixing, epoch, batch);
  const cutmix = plan.cutmix > 0 && (plan.mixup <= 0 || rng.next() < 0.5);
  const alpha = cutmix ? plan.cutmix : plan.mixup;
  let lambda = sampleBeta(rng, alpha, alpha);
  const partners = rng.shuffle(Int32Array.from({ length: size }, (_, i) => i));
  if (!cutmix) return { kind: 'mixup', lambda, partners };
  const { height, width } = shape;
  const ratio = Math.sqrt(1 - lambda);
  const cutHeight = Math.trunc(height * ratio);
  const cutWidth = Math.trunc(width * ratio);
  const centreRow = rng.int(height);
  const centreCol = rng.int(width);
  const clip = (v: number, high: number) => Math.min(Math.max(v, 0), high);
  const box = {
    top: clip(centreRow - Math.trunc(cutHeight / 2), height),
    bottom: clip(centreRow + Math.trunc(cutHeight / 2), height),
    left: clip(centreCol - Math.trunc(cutWidth / 2), width),
    right: clip(centreCol + Math.trunc(cutWidth / 2), width),
  };
  lambda = 1 - ((box.bottom - box.top) * (box.right - box.left)) / (height * width);
  return { kind: 'cutmix', lambda, partners, box };
}

/** Mixes the N x H x W x C batch `x` in place. */
export function applyMix(x: Float32Array, size: number, shape: ImageShape, mix: BatchMix): void {
  const { height, width, channels } = shape;
  const perImage = height * width * channels;
  const source = x.slice(0, size * perImage);
  for (let slot = 0; slot < size; slot++) {
    const own = slot * perImage;
    const other = mix.partners[slot]! * perImage;
    if (mix.kind === 'mixup') {
      const l = mix.lambda;
      for (let i = 0; i < perImage; i++) x[own + i] = l * source[own + i]! + (1 - l) * source[other + i]!;
      continue;
    }
    const { top, bottom, left, right } = mix.box!;
    for (let r = top; r < bottom; r++) {
      const start = (r * width + left) * channels;
      const end = (r * width + right) * channels;
      x.set(source.subarray(other + start, other + end), own + start);
    }
  }
}
