// Every default the compiler applies when the source leaves a choice open, in one place.
// docs/language.md lists the same values for users; a plan shows each one explicitly.
// The data pipeline's defaults live in @tlc/plan (DATA_DEFAULTS), shared with the runtime.
import type { OptimizerPlan, PreprocessPlan } from '@tlc/plan';

/** Keras's `fit` defaults to 1 epoch, which teaches a new head almost nothing. */
export const DEFAULT_EPOCHS = 10;
/** What `early stop` and the best-epoch checkpoint watch unless told otherwise. */
export const DEFAULT_MONITOR = 'val_loss';
/** `early stop` without `patience`. */
export const DEFAULT_PATIENCE = 3;
/** `reduce lr on plateau` without clauses: Keras's ReduceLROnPlateau defaults. */
export const PLATEAU_DEFAULTS = { monitor: 'val_loss', factor: 0.1, patience: 10, minDelta: 1e-4, cooldown: 0, minLearningRate: 0 } as const;
/** `schedule one cycle` without `max lr` peaks at the stage's lr and starts at it divided by this (fastai's div). */
export const ONE_CYCLE_DIV = 25;
/** `fine tune` without a learning rate trains at stage 1's rate divided by this. */
export const FINE_TUNE_LR_DIVISOR = 100;
export const DEFAULT_METRICS = ['accuracy'];
/** The 0..255 -> 0..1 step of `normalize` with mean and std given for 0..1 pixels. */
export const NORMALIZE_UNIT_SCALE = 1 / 255;

/** Keras's optimizer defaults (keras.optimizers), for each optimizer tlc offers. */
export const OPTIMIZER_DEFAULTS: Record<OptimizerPlan['name'], Omit<OptimizerPlan, 'name'>> = {
  adam: { learningRate: 1e-3, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
  adamw: { learningRate: 1e-3, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 },
  sgd: { learningRate: 1e-2, momentum: 0, beta1: null, beta2: null, epsilon: null, weightDecay: null },
  rmsprop: { learningRate: 1e-3, momentum: 0, beta1: null, beta2: null, epsilon: 1e-7, weightDecay: null },
};
export const DEFAULT_OPTIMIZER: OptimizerPlan['name'] = 'adam';

type Constants = Pick<PreprocessPlan, 'channelOrder' | 'scale' | 'mean' | 'std'>;

/** Keras's `preprocess_input` per mode, as y = (x * scale - mean[c]) / std[c] on 0..255 RGB pixels. */
export const NATIVE_PREPROCESSING: Record<'caffe' | 'tf' | 'torch' | 'builtin', Constants> = {
  // RGB -> BGR, then subtract the ImageNet mean of each channel (in BGR order).
  caffe: { channelOrder: 'bgr', scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
  // x / 127.5 - 1: [-1, 1].
  tf: { channelOrder: 'rgb', scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] },
  // x / 255, then the ImageNet mean and standard deviation of each channel.
  torch: { channelOrder: 'rgb', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  // The model rescales inside itself: raw pixels.
  builtin: { channelOrder: 'rgb', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
};
