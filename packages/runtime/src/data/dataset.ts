// A decoded image set (HWC pixels, 1 byte per value, held in memory or streamed from the pixel
// cache on disk: images.ts), with its labels and files, and the batches an epoch feeds a model:
// the order is shuffled by (seed, epoch), each image cropped (`random crop`, from the larger
// stored source size) and augmented by (augment seed, epoch, image index), and every image appears exactly once per epoch (the last batch may be smaller); with
// mixup or cutmix each batch is then mixed by (augment seed, epoch, batch number).
// `batchesAhead` reads the pixels of the next batches while the consumer works on this one
// (bounded prefetch), so a trainer fed from disk does not wait on reads that keep up.
import type { AugmentPlan } from '@tlc/plan';
import { augmentImage } from '../augment/augment';
import { randomResizedCrop, resizeWindow, wholeImage } from '../augment/crop';
import { applyMix, drawMix } from '../augment/mix';
import type { ImageShape } from '../augment/warp';
import { createRng, STREAMS } from '../random';
import { MemoryImages, UnstoredImages, type ImageStore } from './images';

export interface Batch {
  /** N x H x W x C pixel values 0..255 (augmented when asked), before any model preprocessing. */
  x: Float32Array;
  labels: Int32Array;
  files: string[];
  /** Each example's index in the dataset (stable across epochs: keys for a feature cache). */
  indices: Int32Array;
  /** N, the number of images in this batch. */
  size: number;
  /**
   * mixup / cutmix (the plan's augment): `x` already mixed; each image's target is
   * λ·(its label) + (1 − λ)·(its partner's label, in `labels`).
   */
  mix?: { lambda: number; labels: Int32Array };
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
  /** The images a batch holds: the model's input size. */
  shape: ImageShape;
  /**
   * The size the pixels are stored at when larger than `shape` (training images decoded for
   * `random crop`): each batch crops (or, unaugmented, resizes the whole image) down to `shape`.
   * Absent: `shape`.
   */
  stored?: ImageShape;
  /** The pixels: one array per image, or a store (the pixel cache on disk). */
  images: Uint8Array[] | ImageStore;
  labels: ArrayLike<number>;
  /** Every label of each image (a labels file's several per image); absent: each image's `labels` entry alone. */
  labelSets?: readonly (readonly number[])[];
  files: string[];
}

export class ImageDataset {
  readonly classes: readonly string[];
  readonly shape: ImageShape;
  /** The stored pixels' size: `shape`, or the larger source size for `random crop`. */
  readonly storedShape: ImageShape;
  readonly files: readonly string[];
  readonly labels: Int32Array;
  /** Multi-hot targets, one row of `classes.length` 0/1 values per image: its labels. */
  readonly targets: Uint8Array;
  private readonly images: ImageStore;

  constructor(contents: DatasetContents) {
    const stored = contents.stored ?? contents.shape;
    if (stored.channels !== contents.shape.channels) throw new Error(`ImageDataset: stored with ${stored.channels} channels, shaped with ${contents.shape.channels}`);
    const { height, width, channels } = stored;
    const valuesPerImage = height * width * channels;
    const count = Array.isArray(contents.images) ? contents.images.length : (contents.images as ImageStore).count;
    if (contents.labels.length !== count || contents.files.length !== count) {
      throw new Error(`ImageDataset: ${count} images, ${contents.labels.length} labels and ${contents.files.length} files must match`);
    }
    if (Array.isArray(contents.images)) {
      contents.images.forEach((image, i) => {
        if (image.length !== valuesPerImage) throw new Error(`ImageDataset: image ${contents.files[i]} has ${image.length} values, expected ${valuesPerImage}`);
      });
    }
    this.classes = contents.classes;
    this.shape = contents.shape;
    this.storedShape = stored;
    this.images = Array.isArray(contents.images) ? new MemoryImages(contents.images) : (contents.images as ImageStore);
    this.labels = Int32Array.from(contents.labels);
    this.files = contents.files;
    const classes = contents.classes.length;
    this.targets = new Uint8Array(count * classes);
    for (let i = 0; i < count; i++) {
      const set = contents.labelSets?.[i] ?? [this.labels[i]!];
      for (const label of set) if (label >= 0 && label < classes) this.targets[i * classes + label] = 1;
    }
  }

  /** Whether some image has other than exactly one label (a multi-label data set). */
  get multiLabel(): boolean {
    const classes = this.classes.length;
    for (let i = 0; i < this.size; i++) {
      let count = 0;
      for (let c = 0; c < classes; c++) count += this.targets[i * classes + c]!;
      if (count !== 1) return true;
    }
    return false;
  }

  /** Multi-hot rows of the images at `indices`, as one flat float array (indices.length x classes). */
  targetRows(indices: ArrayLike<number>): Float32Array {
    const classes = this.classes.length;
    const out = new Float32Array(indices.length * classes);
    for (let i = 0; i < indices.length; i++) {
      const at = indices[i]! * classes;
      for (let c = 0; c < classes; c++) out[i * classes + c] = this.targets[at + c]!;
    }
    return out;
  }

  get size(): number {
    return this.images.count;
  }

  /** False for a set whose pixels were checked and dropped (the torch engine's training set): only its files and labels are here. */
  get holdsPixels(): boolean {
    return !(this.images instanceof UnstoredImages);
  }

  /** Bytes of pixels held in memory (0 when they are streamed from disk). */
  get bytesInMemory(): number {
    return this.images.bytesInMemory;
  }

  /** Image i's stored pixels (of `storedShape`), HWC 0..255 (shared when in memory: do not modify). */
  image(index: number): Uint8Array {
    return this.images.image(index);
  }

  /** Closes the pixel cache file, when the pixels are streamed from one. */
  close(): Promise<void> {
    return this.images.close();
  }

  /** Images per class, indexed by label (an image with several labels counts for each). */
  classCounts(): number[] {
    const classes = this.classes.length;
    const counts = new Array<number>(classes).fill(0);
    for (let i = 0; i < this.targets.length; i++) counts[i % classes]! += this.targets[i]!;
    return counts;
  }

  /** The dataset indices in the order epoch `epoch` visits them. */
  order(epoch: number, shuffle: boolean, seed: number): Int32Array {
    const indices = Int32Array.from({ length: this.size }, (_, i) => i);
    return shuffle ? createRng(seed, STREAMS.batchOrder, epoch).shuffle(indices) : indices;
  }

  /** The batches of one epoch, made lazily (one batch in memory at a time). */
  *batches(epoch: number, options: BatchOptions): Generator<Batch> {
    let batch = 0;
    for (const indices of this.batchIndices(epoch, options)) {
      yield this.makeBatch(epoch, ++batch, options, indices, Array.from(indices, (i) => this.images.image(i)));
    }
  }

  /**
   * The same batches as `batches`, with the pixels of up to `ahead` batches read ahead of the
   * one being consumed (from disk, in parallel, while the consumer works): at most ahead + 1
   * batches of pixels in memory at a time.
   */
  async *batchesAhead(epoch: number, options: BatchOptions, ahead = 2): AsyncGenerator<Batch> {
    const batches = this.batchIndices(epoch, options);
    const pending: { indices: Int32Array; pixels: Promise<Uint8Array[]> }[] = [];
    let next = 0;
    const fill = () => {
      while (pending.length <= ahead && next < batches.length) {
        const indices = batches[next++]!;
        const pixels = this.images.read(indices);
        // Seen when awaited; a consumer that stops early must not leave an unhandled rejection.
        pixels.catch(() => {});
        pending.push({ indices, pixels });
      }
    };
    fill();
    let batch = 0;
    while (pending.length > 0) {
      const { indices, pixels } = pending.shift()!;
      const images = await pixels;
      fill();
      yield this.makeBatch(epoch, ++batch, options, indices, images);
    }
  }

  /** The dataset indices of each batch of epoch `epoch`, in order. */
  private batchIndices(epoch: number, options: BatchOptions): Int32Array[] {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size must be a positive whole number, got ${options.batchSize}`);
    const order = this.order(epoch, options.shuffle, options.seed);
    const batches: Int32Array[] = [];
    for (let start = 0; start < order.length; start += options.batchSize) batches.push(order.slice(start, start + options.batchSize));
    return batches;
  }

  /**
   * Image `index`'s pixels at the model's size before the other transforms: its random crop
   * (random crop on), else the whole stored image resized when stored larger, else as stored.
   */
  private sampled(index: number, stored: Uint8Array, epoch: number, augment: AugmentPlan | null): ArrayLike<number> {
    const crop = augment?.randomCrop;
    if (crop) return randomResizedCrop(crop, augment.seed, stored, this.storedShape, this.shape, { epoch, index });
    const same = this.storedShape.height === this.shape.height && this.storedShape.width === this.shape.width;
    return same ? stored : resizeWindow(stored, this.storedShape, wholeImage(this.storedShape), this.shape);
  }

  /**
   * Batch number `batch` (1-based) of `epoch`: its images cropped (random crop), augmented, then
   * mixed when the plan mixes.
   */
  private makeBatch(epoch: number, batch: number, options: BatchOptions, indices: Int32Array, images: Uint8Array[]): Batch {
    const valuesPerImage = this.shape.height * this.shape.width * this.shape.channels;
    const x = new Float32Array(indices.length * valuesPerImage);
    indices.forEach((index, slot) => {
      const offset = slot * valuesPerImage;
      const pixels = this.sampled(index, images[slot]!, epoch, options.augment);
      if (options.augment) augmentImage(options.augment, pixels, this.shape, { epoch, index }, x, offset);
      else x.set(pixels, offset);
    });
    const labels = Int32Array.from(indices, (index) => this.labels[index]!);
    const mix = options.augment ? drawMix(options.augment, epoch, batch, indices.length, this.shape) : null;
    if (mix) applyMix(x, indices.length, this.shape, mix);
    return {
      x,
      labels,
      files: Array.from(indices, (index) => this.files[index]!),
      indices,
      size: indices.length,
      ...(mix ? { mix: { lambda: mix.lambda, labels: Int32Array.from(mix.partners, (slot) => labels[slot]!) } } : {}),
    };
  }
}
