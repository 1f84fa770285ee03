// The abstract syntax tree: plain, serialisable objects (JSON.stringify round-trips them).
// Every node has a `kind` and a `span` of character offsets into the source. Error recovery
// may leave a field undefined where the source had nothing usable; the checker reports it and
// the compiler never sees a program with errors.

export interface Span {
  /** Offset of the first character. */
  start: number;
  /** Offset one past the last character. */
  end: number;
}

interface Node<K extends string> {
  kind: K;
  span: Span;
  /**
   * Set on a statement or setting that a syntax error abandoned: it keeps what was parsed before
   * the mistake, but the checker's value rules do not read it (the syntax error is its one
   * diagnostic; see check/settled.ts).
   */
  recovered?: true;
  /**
   * Set on a statement (or `class weights` setting) whose block has a setting the parser did not
   * understand (a misspelt keyword, a stray token): it may be any setting, so a rule that would
   * read a missing setting's default stays silent instead (check/settled.ts, `mayHaveMeant`).
   */
  incomplete?: true;
}

// ---------------------------------------------------------------- values

export interface Identifier extends Node<'Identifier'> {
  name: string;
}
export interface StringLiteral extends Node<'String'> {
  /** The value with escapes resolved and quotes removed. */
  value: string;
}
export interface NumberLiteral extends Node<'Number'> {
  value: number;
  /** As written, for the formatter: `1e-4`, `0.10`. */
  raw: string;
}
/** `20%`: value is 0.2. */
export interface PercentLiteral extends Node<'Percent'> {
  value: number;
  raw: string;
}
/** `224x224`. */
export interface SizeLiteral extends Node<'Size'> {
  width: number;
  height: number;
  /** As written, for the formatter (a side too long for a number is Infinity). */
  raw: string;
}
/** `1/255`. */
export interface FractionLiteral extends Node<'Fraction'> {
  numerator: number;
  denominator: number;
  /** As written, for the formatter: `1/255`, `1e400/1` (whose numerator is Infinity). */
  raw: string;
}
/** `0.8..1.2`. */
export interface RangeLiteral extends Node<'Range'> {
  min: NumberLiteral;
  max: NumberLiteral;
}
/** `[0.5, 0.5, 0.5]`. */
export interface NumberList extends Node<'NumberList'> {
  values: NumberLiteral[];
}

/** A block alias (`block4`) or a quoted Keras layer name. */
export type NamedLayer = Identifier | StringLiteral;
/**
 * `layer 120`: a position in Keras's `model.layers` (the input layer is 0). `freeze until layer N`
 * freezes layers 0 … N−1 (Keras's `layers[:N]`); `unfreeze from layer N` trains N and after.
 */
export interface LayerIndex extends Node<'LayerIndex'> {
  index?: NumberLiteral;
}
/** A freeze / unfreeze point: a block alias, a quoted Keras layer name or a layer index. */
export type LayerRef = NamedLayer | LayerIndex;

// ---------------------------------------------------------------- program

export interface Comment extends Node<'Comment'> {
  /** The text after `#`. */
  text: string;
}

export interface Program extends Node<'Program'> {
  statements: Statement[];
  /** Every comment in source order; the formatter puts them back. */
  comments: Comment[];
}

export type Statement =
  | PipelineStatement
  | DataStatement
  | AugmentStatement
  | UseStatement
  | PreprocessStatement
  | HeadStatement
  | StageStatement
  | EvaluateStatement
  | ExportStatement
  | PredictStatement;

/** `pipeline "cats-vs-dogs"` */
export interface PipelineStatement extends Node<'Pipeline'> {
  name?: StringLiteral;
}

// ---------------------------------------------------------------- data

/** `data "folder" { … }` (the block is optional). */
export interface DataStatement extends Node<'Data'> {
  directory?: StringLiteral;
  settings: DataSetting[];
}

export type DataSetting = ImageSetting | ResizeSetting | ValidationSetting | BatchSetting | OnBadImageSetting | ShuffleSetting | LabelsSetting;

/** `labels "labels.csv"`: images and their labels from a CSV file in the data folder, not class folders. */
export interface LabelsSetting extends Node<'Labels'> {
  path?: StringLiteral;
  /** `columns "image" "tags"`: the header names of the file column and the label column (default: the first two columns). */
  fileColumn?: StringLiteral;
  labelColumn?: StringLiteral;
  /** `separator ";"`: what separates two labels in the label column (default a space, fastai's label_delim). */
  separator?: StringLiteral;
}

/** `image 224x224 rgb` / `image 96x96 grayscale adapt skip` */
export interface ImageSetting extends Node<'Image'> {
  size?: SizeLiteral;
  color?: Identifier; // rgb | grayscale
  /** `adapt sum` (default) or `adapt skip`: how RGB weights meet a grayscale input. */
  adapt?: Identifier;
}
/** `resize stretch|crop|pad`: how an image of another aspect ratio becomes the model's size */
export interface ResizeSetting extends Node<'Resize'> {
  mode?: Identifier;
}
/** `validation 20% seed 42` / `validation "folder"` */
export interface ValidationSetting extends Node<'Validation'> {
  fraction?: PercentLiteral;
  directory?: StringLiteral;
  seed?: NumberLiteral;
}
/** `batch 32` / `batch auto` (the runtime picks it: 32 on a CPU backend, the largest that fits on a GPU) */
export interface BatchSetting extends Node<'Batch'> {
  size?: NumberLiteral;
  auto?: Identifier;
}
/** `on bad image skip` / `on bad image fail` */
export interface OnBadImageSetting extends Node<'OnBadImage'> {
  action?: Identifier;
}
/** `shuffle off` / `shuffle on seed 7` */
export interface ShuffleSetting extends Node<'Shuffle'> {
  enabled?: Identifier; // on | off
  seed?: NumberLiteral;
}

// ---------------------------------------------------------------- augmentation

/** `augment { rotate 20; zoom 0.1; … }` */
export interface AugmentStatement extends Node<'Augment'> {
  settings: AugmentSetting[];
}
export type AugmentSetting =
  | RotateSetting
  | ZoomSetting
  | ShearSetting
  | ShiftSetting
  | ChannelShiftSetting
  | FillSetting
  | MixSetting
  | RandomCropSetting
  | FlipSetting
  | BrightnessSetting
  | AugmentSeedSetting;

/** `rotate 20` (degrees, either way) */
export interface RotateSetting extends Node<'Rotate'> {
  degrees?: NumberLiteral;
}
/** `zoom 0.1` (factors 0.9..1.1) / `zoom 0.8..1.2` (Keras's zoom_range [lower, upper]) */
export interface ZoomSetting extends Node<'Zoom'> {
  amount?: NumberLiteral;
  range?: RangeLiteral;
}
/** `shear 0.2` */
export interface ShearSetting extends Node<'Shear'> {
  amount?: NumberLiteral;
}
/** `shift 0.1` (both axes) / `shift width 0.1` / `shift height 0.2` */
export interface ShiftSetting extends Node<'Shift'> {
  /** `width` or `height`; absent for both axes. */
  axis?: Identifier;
  amount?: NumberLiteral;
}
/** `channel shift 20` (Keras's channel_shift_range, in pixel values 0..255) */
export interface ChannelShiftSetting extends Node<'ChannelShift'> {
  amount?: NumberLiteral;
}
/** `fill nearest` / `fill constant 0` / `fill reflect` / `fill wrap` (Keras's fill_mode and cval) */
export interface FillSetting extends Node<'Fill'> {
  mode?: Identifier;
  value?: NumberLiteral;
}
/**
 * `mixup 0.2` / `cutmix 1.0`: per batch, blend (mixup) or paste a box of (cutmix) each image
 * with another of the batch, labels mixed in the same proportion, drawn from Beta(alpha, alpha).
 */
export interface MixSetting extends Node<'Mixup' | 'Cutmix'> {
  alpha?: NumberLiteral;
}
/**
 * `random crop [scale LO..HI] [ratio LO..HI]`: torchvision's RandomResizedCrop, a random window
 * of the image (a share of its area in `scale`, width / height in `ratio`) resized to the model's size.
 */
export interface RandomCropSetting extends Node<'RandomCrop'> {
  scale?: RangeLiteral;
  ratio?: RangeLiteral;
}
/** `flip horizontal` / `flip vertical` / `flip horizontal vertical` */
export interface FlipSetting extends Node<'Flip'> {
  directions: Identifier[];
}
/** `brightness 0.8..1.2` */
export interface BrightnessSetting extends Node<'Brightness'> {
  range?: RangeLiteral;
}
/** `seed 7` inside augment */
export interface AugmentSeedSetting extends Node<'AugmentSeed'> {
  seed?: NumberLiteral;
}

// ---------------------------------------------------------------- model

/** `use ResNet50V2 [alpha 0.5] [weights …] [freeze …] [cut after …]` (clauses in any order). */
export interface UseStatement extends Node<'Use'> {
  model?: Identifier;
  alpha?: AlphaClause;
  weights?: WeightsClause;
  freeze?: FreezeClause;
  cut?: CutClause;
}
/** `alpha 0.5` (MobileNet width multiplier) */
export interface AlphaClause extends Node<'Alpha'> {
  value?: NumberLiteral;
}
/** `weights imagenet` / `weights none` / `weights "path.h5"` */
export interface WeightsClause extends Node<'Weights'> {
  source?: Identifier | StringLiteral;
}
/** `freeze all` / `freeze none` / `freeze until block4` / `freeze until "conv4_block6_out"` / `freeze until layer 120` */
export interface FreezeClause extends Node<'Freeze'> {
  mode?: 'all' | 'none' | 'until';
  /** The word as written (`all`, `none`, `until`), for spans. */
  keyword?: Identifier;
  until?: LayerRef;
}
/** `cut after block3` */
export interface CutClause extends Node<'Cut'> {
  after?: NamedLayer;
}

/** `preprocess native` / `rescale 1/255` / `none` / `normalize mean [...] std [...]` */
export interface PreprocessStatement extends Node<'Preprocess'> {
  mode?: Identifier; // native | rescale | none | normalize
  scale?: FractionLiteral | NumberLiteral;
  mean?: NumberList;
  std?: NumberList;
}

// ---------------------------------------------------------------- head

/** `head dense 256 -> 2` (shorthand) or `head { … }` (block). */
export interface HeadStatement extends Node<'Head'> {
  form: 'shorthand' | 'block';
  /** Shorthand: the sizes in order (`256 -> 2` gives [256, 2]). */
  sizes: NumberLiteral[];
  /** Shorthand: the output layer's activation when written (`256 -> 5 sigmoid`); else by its size. */
  activation?: Identifier;
  /** Block form: the layers in order. */
  layers: HeadLayer[];
}
export type HeadLayer = PoolLayer | FlattenLayer | DropoutLayer | DenseLayer | BatchNormLayer;

/** `pool avg` / `pool max` */
export interface PoolLayer extends Node<'Pool'> {
  type?: Identifier;
}
export interface FlattenLayer extends Node<'Flatten'> {}
/** `dropout 0.2` */
export interface DropoutLayer extends Node<'Dropout'> {
  rate?: NumberLiteral;
}
/** `dense 256 relu` */
export interface DenseLayer extends Node<'Dense'> {
  units?: NumberLiteral;
  activation?: Identifier;
}
export interface BatchNormLayer extends Node<'BatchNorm'> {}

// ---------------------------------------------------------------- training

/**
 * `train { … }` (stage 1) or `fine tune ["NAME"] { … }` (the stages after it, in source order,
 * each starting from the one before).
 */
export interface StageStatement extends Node<'Stage'> {
  stage: 'train' | 'fineTune';
  /** `fine tune "unfreeze block4" { … }`: the stage's name in the run's metrics and report. */
  name?: StringLiteral;
  settings: StageSetting[];
}
export type StageSetting =
  | EpochsSetting
  | OptimizerSetting
  | LearningRateSetting
  | LossSetting
  | LabelSmoothingSetting
  | EarlyStopSetting
  | ClassWeightsSetting
  | UnfreezeSetting
  | StageBatchSetting
  | ScheduleSetting
  | PlateauSetting
  | PrecisionSetting
  | LayerLearningRateSetting
  | BatchNormModeSetting;

/** `epochs 10` */
export interface EpochsSetting extends Node<'Epochs'> {
  count?: NumberLiteral;
}
/** `optimizer adam lr 1e-3` / `optimizer sgd lr 0.01 momentum 0.9` / `optimizer adamw lr 1e-3 decay 1e-4` */
export interface OptimizerSetting extends Node<'Optimizer'> {
  name?: Identifier;
  lr?: NumberLiteral;
  momentum?: NumberLiteral;
  weightDecay?: NumberLiteral;
  /** Where each clause is written, from its keyword to its value (`momentum 0.9`). */
  clauses?: { lr?: { span: Span }; momentum?: { span: Span }; weightDecay?: { span: Span } };
}
/** `lr 1e-3` on its own line; `lr 1e-5 .. 1e-3` (fastai's spread over the trainable blocks) */
export interface LearningRateSetting extends Node<'LearningRate'> {
  /** The rate; with `to`, the first trainable block's. */
  value?: NumberLiteral;
  /** `lr A .. B`: the head's rate (the stage's), the blocks in between spread geometrically. */
  to?: NumberLiteral;
}
/** `lr 1e-5 for block3..block4` / `lr 1e-5 for block3`: a discriminative rate for those blocks. */
export interface LayerLearningRateSetting extends Node<'LayerLearningRate'> {
  value?: NumberLiteral;
  from?: NamedLayer;
  /** The last block of the range (inclusive); absent for one block. */
  to?: NamedLayer;
}
/** `batch norm train|frozen`: whether the unfrozen backbone's BatchNormalization layers train. */
export interface BatchNormModeSetting extends Node<'BatchNormMode'> {
  mode?: Identifier;
}
/** `loss categorical_crossentropy` */
export interface LossSetting extends Node<'Loss'> {
  name?: Identifier;
}
/** `label smoothing 0.1`: Keras's `label_smoothing` of the cross-entropy */
export interface LabelSmoothingSetting extends Node<'LabelSmoothing'> {
  value?: NumberLiteral;
}
/** `precision bf16`: the number format training computes in (float32 by default) */
export interface PrecisionSetting extends Node<'Precision'> {
  value?: Identifier;
}
/** `early stop patience 3 on val_loss` */
export interface EarlyStopSetting extends Node<'EarlyStop'> {
  patience?: NumberLiteral;
  monitor?: Identifier;
}
/** `class weights balanced` / `class weights { cat 1; dog 2.5 }` */
export interface ClassWeightsSetting extends Node<'ClassWeights'> {
  balanced?: Identifier;
  entries: ClassWeightEntry[];
}
export interface ClassWeightEntry extends Node<'ClassWeight'> {
  className?: Identifier | StringLiteral;
  weight?: NumberLiteral;
}
/** `unfreeze from block4` (fine tune only) / `unfreeze all` */
export interface UnfreezeSetting extends Node<'Unfreeze'> {
  from?: LayerRef;
  all?: Identifier;
}
/**
 * `schedule cosine warmup 2 epochs` / `schedule one cycle max lr 1e-2` /
 * `schedule step every 3 epochs times 0.5`
 */
export interface ScheduleSetting extends Node<'Schedule'> {
  /** `cosine`, `one` (of `one cycle`) or `step`. */
  type?: Identifier;
  warmup?: NumberLiteral;
  /** `epochs` or `steps` after the warm-up count. */
  warmupUnit?: Identifier;
  maxLr?: NumberLiteral;
  every?: NumberLiteral;
  times?: NumberLiteral;
  /** Where each clause is written, from its keyword to its value. */
  clauses?: { warmup?: { span: Span }; maxLr?: { span: Span } };
}
/** `reduce lr on plateau factor 0.5 patience 2 on val_loss` (Keras's ReduceLROnPlateau) */
export interface PlateauSetting extends Node<'Plateau'> {
  factor?: NumberLiteral;
  patience?: NumberLiteral;
  monitor?: Identifier;
}
/** `batch 16` inside a stage overrides the data batch */
export interface StageBatchSetting extends Node<'StageBatch'> {
  size?: NumberLiteral;
  auto?: Identifier;
}

// ---------------------------------------------------------------- outputs

/** `evaluate validation` / `evaluate "test-folder"` / `evaluate` (validation), each `[tta flips]` */
export interface EvaluateStatement extends Node<'Evaluate'> {
  target?: Identifier | StringLiteral;
  /** The word after `tta` (`flips`: average each image's prediction with its mirror image's). */
  tta?: Identifier;
  /** `threshold 0.4`: a multi-label (sigmoid) head predicts each class whose probability reaches it. */
  threshold?: NumberLiteral;
}
/** `export "models/cats-vs-dogs"` / `export "models/cats-vs-dogs" as onnx` */
export interface ExportStatement extends Node<'Export'> {
  path?: StringLiteral;
  /** The word after `as`: `tfjs` (the default) or `onnx`. */
  format?: Identifier;
}
/** `predict "new-images"`: label every image in a folder after training */
export interface PredictStatement extends Node<'Predict'> {
  path?: StringLiteral;
}

export type AnyNode =
  | Program
  | Statement
  | DataSetting
  | AugmentSetting
  | HeadLayer
  | StageSetting
  | ClassWeightEntry
  | AlphaClause
  | WeightsClause
  | FreezeClause
  | CutClause
  | Identifier
  | StringLiteral
  | NumberLiteral
  | PercentLiteral
  | SizeLiteral
  | FractionLiteral
  | RangeLiteral
  | NumberList
  | Comment;
