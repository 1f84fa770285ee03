// A decoded image set held in memory (one Uint8Array of HWC pixels per image, so 1 byte per
// value), with its labels and files, and the batches an epoch feeds a model: the order is
// shuffled by (seed, epoch), each image augmented by (augment seed, epoch, image index), and
// every image appears exactly once per epoch (the last batch may be smaller).
import type { AugmentPlan } from '@tlc/plan';
import { augmentImage } from '../augment/augment';
import type { ImageShape } from '../augment/warp';
import { createRng, STREAMS } from '../random';

export interface Batch {
  /** N x H x W x C pixel values 0..255 (augmented when asked), before any model preprocessing. */
  x: Float32Array;
  labels: Int32Array;
  files: string[];
  /** Each example's index in the dataset (stable across epochs: keys for a feature cache). */
  indices: Int32Array;
  /** N, the number of images in this batch. */
  size: number;
}

export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  /** Seeds the order; with shuffle off the dataset order is used. */
  seed: number;
  /** Augmentation to apply, or null for the pixels as decoded. */
  augment: AugmentPlan | null;
}

export interface DatasetContents {
  classes: readonly string[];
  shape: ImageShape;
  images: Uint8Array[];
  labels: ArrayLike<number>;
  files: string[];
}

export class ImageDataset {
  readonly classes: readonly string[];
  readonly shape: ImageShape;
  readonly files: readonly string[];
  readonly labels: Int32Array;
  private readonly images: Uint8Array[];

  constructor(contents: DatasetContents) {
    const { height, width, channels } = contents.shape;
    const valuesPerImage = height * width * channels;
    if (contents.labels.length !== contents.images.length || contents.files.length !== contents.images.length) {
      throw new Error(`ImageDataset: ${contents.images.length} images, ${contents.labels.length} labels and ${contents.files.length} files must match`);
    }
    contents.images.forEach((image, i) => {
      if (image.length !== valuesPerImage) throw new Error(`ImageDataset: image ${contents.files[i]} has ${image.length} values, expected ${valuesPerImage}`);
    });
    this.classes = contents.classes;
    this.shape = contents.shape;
    this.images = contents.images;
    this.labels = Int32Array.from(contents.labels);
    this.files = contents.files;
  }

  get size(): number {
    return this.images.length;
  }

  /** Image i's pixels, HWC 0..255 (shared, not copied: do not modify). */
  image(index: number): Uint8Array {
    return this.images[index]!;
  }

  /** Images per class, indexed by label. */
  classCounts(): number[] {
    const counts = new Array<number>(this.classes.length).fill(0);
    for (const label of this.labels) counts[label]!++;
    return counts;
  }

  /** The dataset indices in the order epoch `epoch` visits them. */
  order(epoch: number, shuffle: boolean, seed: number): Int32Array {
    const indices = Int32Array.from({ length: this.size }, (_, i) => i);
    return shuffle ? createRng(seed, STREAMS.batchOrder, epoch).shuffle(indices) : indices;
  }

  /** The batches of one epoch, made lazily (one batch in memory at a time). */
  *batches(epoch: number, options: BatchOptions): Generator<Batch> {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size must be a positive whole number, got ${options.batchSize}`);
    const order = this.order(epoch, options.shuffle, options.seed);
    const valuesPerImage = this.shape.height * this.shape.width * this.shape.channels;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const indices = order.slice(start, start + options.batchSize);
      const x = new Float32Array(indices.length * valuesPerImage);
      indices.forEach((index, slot) => {
        const offset = slot * valuesPerImage;
        if (options.augment) augmentImage(options.augment, this.images[index]!, this.shape, { epoch, index }, x, offset);
        else x.set(this.images[index]!, offset);
      });
      yield {
        x,
        labels: Int32Array.from(indices, (index) => this.labels[index]!),
        files: Array.from(indices, (index) => this.files[index]!),
        indices,
        size: indices.length,
      };
    }
  }
}
