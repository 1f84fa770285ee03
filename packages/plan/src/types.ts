// The plan: what the compiler produces and the runtime executes. Every decision the source left
// implicit is explicit here. Paths are relative to the folder of the plan file (or, for a plan
// compiled in memory by `tlc run FILE.tl`, the source file's folder).
// plan.schema.json describes exactly these types; a test keeps them in agreement.

export const PLAN_VERSION = 1;

export interface Plan {
  version: 1;
  /** The pipeline's name (`pipeline "…"`, else the source file's base name). */
  name: string;
  /** Where the plan came from, for reports: the source file name and a sha256 of its text. */
  source: { file: string; sha256: string } | null;
  model: ModelPlan;
  preprocess: PreprocessPlan;
  head: HeadPlan;
  /** null for a model spec without a `data` statement: `tlc run spec.tl --data DIR` supplies it. */
  data: DataPlan | null;
  /** Stage 1 (`train`) and the optional stage 2 (`fine tune`), in order. */
  stages: StagePlan[];
  evaluate: EvaluatePlan | null;
  export: ExportPlan | null;
  predict: PredictPlan | null;
  /** Messages the compiler raised that were not errors (warnings, infos), by code. */
  notes: { code: string; severity: 'warning' | 'info'; message: string }[];
}

export interface ModelPlan {
  /** Keras application name: `ResNet50V2`. */
  architecture: string;
  family: string;
  /** MobileNet width multiplier, when the family takes one. */
  alpha: number | null;
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  weights: WeightsPlan;
  /** Grayscale input with pretrained RGB weights: how the first convolution is adapted. */
  firstConvAdapt: { layer: string; method: 'sum' | 'skip' } | null;
  /** `cut after B`: the backbone ends at this layer. null: the whole backbone. */
  cutAfter: { block: string | null; layer: string } | null;
  /** The backbone's last layer after any cut: where the head attaches. */
  outputLayer: string;
  freeze: FreezePlan;
}

export type WeightsPlan =
  // hash and hashAlgorithm are null where Keras publishes no hash (MobileNet, MobileNetV2).
  | {
      source: 'imagenet';
      url: string;
      hash: string | null;
      hashAlgorithm: 'md5' | 'sha256' | null;
      fileName: string;
    }
  | { source: 'none' }
  | { source: 'file'; path: string; format: 'h5' | 'tfjs' };

export interface FreezePlan {
  mode: 'all' | 'none' | 'until';
  /** For `until`: the block (null when a layer name was given) and the Keras layer, inclusive. */
  until: { block: string | null; layer: string } | null;
  /** Every backbone layer frozen in stage 1, by Keras name, in network order. */
  layers: string[];
}

export interface PreprocessPlan {
  /** What the source asked for. */
  requested: 'native' | 'rescale' | 'none' | 'normalize';
  /** What runs: the resolved mode (`native` resolves to the backbone's own). */
  mode: 'caffe' | 'tf' | 'torch' | 'builtin' | 'rescale' | 'normalize' | 'none';
  /** Channel order fed to the model: caffe reorders RGB to BGR. */
  channelOrder: 'rgb' | 'bgr';
  /** y = (x * scale - mean[c]) / std[c], with x the 0..255 pixel, per input channel (after reordering). */
  scale: number;
  mean: number[];
  std: number[];
}

export interface HeadPlan {
  layers: HeadLayerPlan[];
  /** The last dense layer's units: must equal the number of classes at run time. */
  outputUnits: number;
  outputActivation: 'softmax' | 'sigmoid' | 'linear';
}

export type HeadLayerPlan =
  | { type: 'pool'; pool: 'avg' | 'max'; name: string }
  | { type: 'flatten'; name: string }
  | { type: 'dropout'; rate: number; name: string }
  | { type: 'dense'; units: number; activation: Activation; name: string }
  | { type: 'batchnorm'; name: string };

export type Activation = 'relu' | 'gelu' | 'swish' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'softmax' | 'linear';

/**
 * Images per training step. `'auto'` (`batch auto`) is resolved by the runtime once the backend
 * is known: 32 on a CPU backend; on a GPU backend the largest power of two ≤ 256 whose training
 * step fits in the device's memory.
 */
export type BatchSize = number | 'auto';

export interface DataPlan {
  directory: string;
  imageSize: [number, number]; // [height, width]
  colorMode: 'rgb' | 'grayscale';
  /**
   * How an image of another aspect ratio becomes imageSize: `stretch` (Keras's load_img, the
   * default), `crop` (the centred window of the target's aspect ratio, then resized: Keras's
   * crop_to_aspect_ratio), `pad` (the whole image resized to fit, centred on black: Keras's
   * pad_to_aspect_ratio). Training, validation, evaluation and predict decode alike.
   */
  resize: 'stretch' | 'crop' | 'pad';
  validation: { mode: 'split'; fraction: number; seed: number } | { mode: 'directory'; directory: string } | { mode: 'none' };
  batchSize: BatchSize;
  shuffle: boolean;
  seed: number;
  onBadImage: 'fail' | 'skip';
  /** Pixel limit per image: larger declared sizes are refused as decompression bombs. */
  maxPixels: number;
  augment: AugmentPlan | null;
  /**
   * `labels "FILE"`: the images and their labels come from a CSV file (a header row, the image
   * path relative to the data folder in the first column, its labels separated by spaces in the
   * second) instead of class folders. `path` is relative to the data folder. null: class folders.
   */
  labels: LabelsPlan | null;
}

export interface LabelsPlan {
  path: string;
  /** The image path's column: its header name, or its position from 0 (default 0, the first). */
  fileColumn: string | number;
  /** The labels' column: its header name, or its position from 0 (default 1, the second). */
  labelColumn: string | number;
  /**
   * What separates two labels in the label column (fastai's label_delim): `" "` (the default) splits
   * at runs of spaces and tabs; any other text splits at exactly that text, each label trimmed of
   * spaces, so labels may hold spaces (`golden retriever;tabby cat` with `";"`).
   */
  separator: string;
}

export interface AugmentPlan {
  /** Degrees, sampled uniformly in [-rotation, rotation]. */
  rotation: number;
  /**
   * Keras's zoom_range as [lower, upper]: the row and column sampling factors are drawn
   * independently in it (above 1 zooms out); [1, 1] leaves the scale. `zoom 0.1` is [0.9, 1.1].
   */
  zoom: [number, number];
  /** Shear intensity (radians-free Keras convention: degrees). */
  shear: number;
  /** Fraction of width / height. */
  shiftWidth: number;
  shiftHeight: number;
  /**
   * Keras's channel_shift_range, in pixel values (0..255): one intensity drawn in ±channelShift
   * per image is added to every channel, clipped to the image's own min and max. 0: none.
   */
  channelShift: number;
  /**
   * Keras's fill_mode and cval: what a position outside the image reads after a rotation, shift,
   * shear or zoom. `value` (0..255) is used by `constant` only.
   */
  fill: { mode: 'nearest' | 'constant' | 'reflect' | 'wrap'; value: number };
  horizontalFlip: boolean;
  verticalFlip: boolean;
  /** Multiplicative brightness range, or null. */
  brightness: [number, number] | null;
  /**
   * Per training batch, after the per-image transforms: mixup (Zhang et al.) blends each image
   * with another of the batch by λ ~ Beta(mixup, mixup); cutmix (Yun et al.) pastes a box of
   * another image covering 1 − λ of it, λ ~ Beta(cutmix, cutmix), then λ is the area kept. The
   * labels mix by λ. 0: off; both above 0: each batch picks one with probability 0.5 (timm's
   * switch). Drawn from (seed, epoch, batch), so a resumed run mixes as the uninterrupted one.
   */
  mixup: number;
  cutmix: number;
  /**
   * `random crop`: torchvision's RandomResizedCrop on each training image, before the other
   * transforms: a window of `scale` [LO, HI] of the image's area with aspect ratio (width /
   * height) log-uniform in `ratio` [LO, HI] (10 attempts, then the centred crop), resized to the
   * model's size. The training images are decoded at a larger source size for it (the runtime's
   * randomCropSourceSize). null: off.
   */
  randomCrop: RandomCropPlan | null;
  seed: number;
}

export interface RandomCropPlan {
  /** Fraction of the image's area the window covers, drawn uniformly in [LO, HI], 0 < LO <= HI <= 1. */
  scale: [number, number];
  /** The window's width / height, log-uniform in [LO, HI], 0 < LO <= HI. */
  ratio: [number, number];
}

export interface StagePlan {
  /**
   * `train` for stage 1; each later stage (a `fine tune`) its own name: the source's, else
   * `fine-tune` for the first and `fine-tune-K` for the K-th. Unique within a plan.
   */
  name: string;
  epochs: number;
  /** The data's batch unless the stage sets its own; `'auto'` as the data's. */
  batchSize: BatchSize;
  optimizer: OptimizerPlan;
  loss: 'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'binary_crossentropy';
  metrics: string[];
  /**
   * Keras's `label_smoothing` (0: none): targets become y·(1 − s) + s/classes for the
   * categorical losses and for one sigmoid unit; y·(1 − s) + s/2 per unit for
   * binary_crossentropy over several sigmoid units. Validation losses use it too, as in Keras.
   */
  labelSmoothing: number;
  /**
   * The number format training computes in: `float32` (the default), or `bf16` (bfloat16
   * autocast, weights kept in float32) on the torch engine; the tfjs engine has no bfloat16 and
   * trains in float32, saying so (TL4328).
   */
  precision: 'float32' | 'bf16';
  earlyStopping: { monitor: 'val_loss' | 'val_accuracy' | 'loss' | 'accuracy'; patience: number; minDelta: number; restoreBest: boolean } | null;
  classWeights: { mode: 'none' } | { mode: 'balanced' } | { mode: 'manual'; weights: Record<string, number> };
  /** How the learning rate moves during the stage (`constant`: the optimizer's, throughout). */
  schedule: SchedulePlan;
  /** Backbone layers frozen during this stage, by Keras name, in network order. */
  frozenLayers: string[];
  /**
   * BatchNormalization layers of the backbone always run in inference mode (Keras's fine-tuning
   * advice; `batch norm frozen`, the default for pretrained weights); false: the unfrozen ones
   * train, updating their statistics (`batch norm train`, Keras TF2's behaviour).
   */
  batchNormInference: boolean;
  /**
   * Discriminative learning rates: each group's backbone layers (trained in this stage) learn at
   * its rate; every other trained layer, and the head, at the optimizer's. The stage's schedule
   * scales each group's rate as it scales the optimizer's. Empty: one rate for everything.
   */
  layerLearningRates: LayerLearningRatePlan[];
  /** Keep the checkpoint with the best monitored value and restore it at the end. */
  checkpoint: { monitor: string; mode: 'min' | 'max' };
}

/** One group of a discriminative learning rate (`lr 1e-5 for block3..block4`, or one block of `lr 1e-5 .. 1e-3`). */
export interface LayerLearningRatePlan {
  /** The blocks the group covers (empty for a range of quoted layer names). */
  blocks: string[];
  /** Its backbone layers, by Keras name, in network order. */
  layers: string[];
  learningRate: number;
}

/**
 * A learning-rate schedule over one stage, as a function of the stage's epoch and step (so a
 * resumed stage uses the rates the uninterrupted one would); `plateau` also keeps its own state.
 * The optimizer's learning rate is the base every kind starts from.
 */
export type SchedulePlan =
  | { kind: 'constant' }
  /** Linear warm-up over `warmup.count` steps or epochs (`warmup.unit`), then cosine decay to 0 by the stage's last step. */
  | { kind: 'cosine'; warmup: { count: number; unit: 'epochs' | 'steps' } }
  /** fastai's one cycle: cosine up from `startLearningRate` to `maxLearningRate` over the first 25% of the steps, then cosine down to maxLearningRate / 1e5. */
  | { kind: 'one-cycle'; startLearningRate: number; maxLearningRate: number }
  /** The rate times `factor` every `everyEpochs` epochs. */
  | { kind: 'step'; everyEpochs: number; factor: number }
  /** Keras's ReduceLROnPlateau. */
  | {
      kind: 'plateau';
      monitor: 'val_loss' | 'val_accuracy' | 'loss' | 'accuracy';
      factor: number;
      patience: number;
      minDelta: number;
      cooldown: number;
      minLearningRate: number;
    };

export interface OptimizerPlan {
  name: 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  learningRate: number;
  /** sgd: momentum; rmsprop: momentum. */
  momentum: number | null;
  /** adam / adamw. */
  beta1: number | null;
  beta2: number | null;
  epsilon: number | null;
  /** Every optimizer: Keras 3's decoupled `weight_decay` (AdamW's default 0.004; null: none). */
  weightDecay: number | null;
}

export interface EvaluatePlan {
  on: 'validation' | 'directory';
  directory: string | null;
  /** Test-time augmentation: `flips` averages each image's probabilities with its horizontal mirror's. */
  tta: 'none' | 'flips';
  /**
   * A sigmoid head over several classes (multi-label): a class is predicted when its probability
   * is at least this (evaluation's per-class metrics, `tlc predict`'s labels).
   */
  threshold: number;
}

export interface ExportPlan {
  path: string;
  /** `tfjs-layers`: model.json + weights.bin; `onnx`: model.onnx, raw 0..255 NHWC pixels in, probabilities out. */
  format: 'tfjs-layers' | 'onnx';
}

export interface PredictPlan {
  directory: string;
}
