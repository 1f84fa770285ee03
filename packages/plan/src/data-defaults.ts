// The data pipeline's defaults, shared by the compiler (a `data` statement without settings) and
// the runtime (a model spec run with `--data DIR`), so both give the same pipeline.
import type { DataPlan, Plan } from './types';

export const DATA_DEFAULTS = {
  /** Keras has no validation by default, but early stopping and `evaluate validation` need one. */
  validationFraction: 0.2,
  /** Seeds the validation split, shuffling and augmentation when the source gives none. */
  seed: 42,
  batchSize: 32,
  shuffle: true,
  onBadImage: 'fail',
  /** Images declaring more pixels are refused as decompression bombs (Pillow's error limit). */
  maxPixels: 178_956_970,
} as const;

/**
 * `random crop` without clauses: fastai's usual fine-tuning scale 0.35..1 (torchvision's
 * ImageNet-from-scratch default is 0.08..1) and torchvision's ratio 3/4..4/3.
 */
export const RANDOM_CROP_DEFAULTS = {
  scale: [0.35, 1] as [number, number],
  ratio: [3 / 4, 4 / 3] as [number, number],
};

/** The data plan of a model spec given its image folder: what `data "DIRECTORY"` would compile to. */
export function specDataPlan(plan: Plan, directory: string): DataPlan {
  const [height, width, channels] = plan.model.inputShape;
  return {
    directory,
    imageSize: [height, width],
    colorMode: channels === 1 ? 'grayscale' : 'rgb',
    resize: 'stretch',
    validation: { mode: 'split', fraction: DATA_DEFAULTS.validationFraction, seed: DATA_DEFAULTS.seed },
    batchSize: DATA_DEFAULTS.batchSize,
    shuffle: DATA_DEFAULTS.shuffle,
    seed: DATA_DEFAULTS.seed,
    onBadImage: DATA_DEFAULTS.onBadImage,
    maxPixels: DATA_DEFAULTS.maxPixels,
    augment: null,
    labels: null,
  };
}
