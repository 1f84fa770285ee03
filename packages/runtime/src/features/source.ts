// What the training loop consumes: batches of tail inputs (trunk features, or preprocessed
// pixels when nothing is frozen) with their integer labels, per epoch.
import type * as tf from '@tensorflow/tfjs';

export interface FeatureBatch {
  /** Tail inputs; the consumer disposes them. */
  x: tf.Tensor;
  /** The same inputs as one flat array, when the source has them (read only): the fused dense step reads them instead of x. */
  values?: Float32Array;
  labels: Int32Array;
  /** Index of each sample in its dataset (for misclassified-file reports). */
  indices: number[];
  /** mixup / cutmix: each sample's target is λ·(its label) + (1 − λ)·(mix.labels[i]). */
  mix?: LabelMix;
}

export interface LabelMix {
  lambda: number;
  labels: Int32Array;
}

export interface FeatureSource {
  /** Samples per epoch. */
  size: number;
  /** The epoch's batches (shuffled per epoch for training, in order for evaluation). */
  batches(epoch: number): AsyncIterable<FeatureBatch>;
}

/** Raw 0..255 NHWC pixel batches, as the data pipeline yields them. */
export interface PixelBatch {
  /** The consumer disposes them. */
  pixels: tf.Tensor4D;
  /** The same pixels as one flat NHWC array, when the source has it (read only): the ONNX trunk
   * takes it directly instead of copying the tensor back out of the backend. */
  values?: Float32Array;
  labels: Int32Array;
  indices: number[];
  mix?: LabelMix;
}

export interface PixelSource {
  size: number;
  /** The epoch's batches: shuffled and augmented per epoch when the source does that. */
  batches(epoch: number): AsyncIterable<PixelBatch>;
}
