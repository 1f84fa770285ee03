// The model catalog's shape: plain data about every backbone in the zoo, no tfjs.
// The language's checker and compiler read it; the builders (../families/*/tfjs.ts) must agree
// with it (tests check that they do).

/** How a backbone expects its pixels, as Keras's `preprocess_input` does it. */
export type PreprocessMode =
  | 'caffe' // RGB -> BGR, subtract the ImageNet mean per channel, no scaling (VGG, ResNet v1)
  | 'tf' // scale to [-1, 1]: x / 127.5 - 1 (ResNet v2, Inception, Xception, MobileNet v1/v2, NASNet)
  | 'torch' // x / 255, then subtract mean [0.485, 0.456, 0.406], divide by std [0.229, 0.224, 0.225] (DenseNet)
  | 'builtin'; // the model rescales inside itself; feed raw 0..255 pixels (EfficientNet, ConvNeXt, MobileNetV3)

/** A freeze / cut / unfreeze point: `blockK` ends at one Keras layer whose output is a single tensor. */
export interface BlockInfo {
  /** `block1` … `blockN`, in network order. */
  name: string;
  /** The Keras layer the block ends at (inclusive), e.g. `conv4_block6_out`. */
  layer: string;
  /** What Keras's own code calls this stage, e.g. `conv4`, `block_16`, `mixed7`. */
  keras?: string;
}

/** An ImageNet weights file as Keras publishes it (`include_top=False`). */
export interface WeightsFile {
  url: string;
  /**
   * The hash Keras's source gives for the file; null where Keras gives none (MobileNet and
   * MobileNetV2 download unverified, but for the MobileNet file shipped with tlc, whose sha256 a
   * later Keras publishes), and then hashAlgorithm is null too.
   */
  hash: string | null;
  /** Keras's `get_file` takes a 32-hex hash as md5 and a 64-hex hash as sha256. */
  hashAlgorithm: 'md5' | 'sha256' | null;
  /** The file name in the cache. */
  fileName: string;
}

/** Options that some families take (MobileNet's width multiplier). */
export interface ModelOptions {
  alpha?: number;
}

export interface ModelInfo {
  /** The Keras application name, case-sensitive: `ResNet50V2`. */
  name: string;
  /** The family: its folder under ../families/, e.g. `resnet_v2`. */
  family: string;
  /** Default square input size (Keras's default input shape). */
  inputSize: number;
  /** Smallest square input size the architecture takes without the top. */
  minInputSize: number;
  /** Input sizes must be a multiple of this (1 when any size works). */
  inputSizeMultiple: number;
  preprocess: PreprocessMode;
  /** The first convolution's layer name (adapted for grayscale inputs). */
  firstConv: string;
  blocks: BlockInfo[];
  /** Width multipliers the family accepts, first one the default (MobileNet, MobileNetV2, V3). */
  alphas?: number[];
  /**
   * How the ImageNet weights file's layers pair with the model's: 'name' (the default when
   * absent) by layer name; 'order' for files whose layer names predate the ones the builder
   * uses (automatic names from an older Keras: `conv2d_1` there is `conv2d` here), so they are
   * loaded as Keras loads them, weighted layers in order.
   */
  weightsMatch?: 'name' | 'order';
  /** Keras's published parameter counts without the top, at the default options. */
  params: { total: number; trainable: number };
}

/** A catalog entry: the model's data plus where its ImageNet weights live for given options. */
export interface ModelEntry extends ModelInfo {
  /** The `_notop.h5` file Keras loads for these options, or null where Keras publishes none. */
  weightsFor(options: { alpha?: number; inputSize?: number }): WeightsFile | null;
}
