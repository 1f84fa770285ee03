// The feature cache: with no augmentation, the frozen trunk's output for every image is computed
// once (one pass over the data, in order) and kept, so each later epoch only runs the tail. The
// cache is one Float32Array in memory (not a backend tensor: gathering a batch out of a large
// tensor costs ~18 ms on wasm, copying its rows in JS ~1 ms); epochs draw batches from it in a
// seeded per-epoch order.
import * as tf from '@tensorflow/tfjs';
import { createRng, STREAMS } from '../random';
import type { FeatureBatch, FeatureSource, PixelSource } from './source';
import type { TrunkRunner } from './trunk';
import { yieldToEvents } from '../run/interrupt';

export interface CacheOptions {
  batchSize: number;
  /** Shuffle each epoch (training); in order otherwise (validation, evaluation). */
  shuffle: boolean;
  seed: number;
}

export class CachedFeatures implements FeatureSource {
  private constructor(
    private features: Float32Array,
    /** The shape of one image's features. */
    private readonly rowShape: number[],
    private readonly labels: Int32Array,
    private readonly order: number[],
    private readonly options: CacheOptions,
  ) {}

  /** Runs every image of `pixels` (epoch 0, unaugmented, in order) through the trunk once. */
  static async build(pixels: PixelSource, runner: TrunkRunner, options: CacheOptions): Promise<CachedFeatures> {
    let features = new Float32Array(0);
    let rowShape: number[] = [];
    let filled = 0;
    const labels: number[] = [];
    const order: number[] = [];
    for await (const batch of pixels.batches(0)) {
      const part = await runner.run(batch.pixels, batch.values);
      batch.pixels.dispose();
      const values = (await part.data()) as Float32Array;
      if (filled === 0) {
        rowShape = part.shape.slice(1);
        features = new Float32Array(pixels.size * (values.length / part.shape[0]));
      }
      part.dispose();
      features.set(values, filled);
      filled += values.length;
      labels.push(...batch.labels);
      order.push(...batch.indices);
    }
    return new CachedFeatures(features, rowShape, Int32Array.from(labels), order, options);
  }

  get size(): number {
    return this.labels.length;
  }

  /** Bytes the cache holds. */
  get bytes(): number {
    return this.features.byteLength;
  }

  async *batches(epoch: number): AsyncIterable<FeatureBatch> {
    const positions = Array.from({ length: this.size }, (_, i) => i);
    if (this.options.shuffle) createRng(this.options.seed, STREAMS.batchOrder, epoch).shuffle(positions);
    for (let start = 0; start < positions.length; start += this.options.batchSize) {
      // A turn for the event loop per batch: Ctrl-C is seen within a batch (run/interrupt.ts).
      await yieldToEvents();
      const slice = positions.slice(start, start + this.options.batchSize);
      const rowLength = this.features.length / this.size;
      const values = new Float32Array(slice.length * rowLength);
      slice.forEach((p, i) => values.set(this.features.subarray(p * rowLength, (p + 1) * rowLength), i * rowLength));
      const x = tf.tensor(values, [slice.length, ...this.rowShape]);
      yield { x, values, labels: Int32Array.from(slice, (p) => this.labels[p]), indices: slice.map((p) => this.order[p]) };
    }
  }

  dispose(): void {
    this.features = new Float32Array(0);
  }
}
