// The feature cache: with no augmentation, the frozen trunk's output for every image is computed
// once (one pass over the data, in order) and kept, so each later epoch only runs the tail. The
// cache is one tensor in memory; epochs draw batches from it in a seeded per-epoch order.
import * as tf from '@tensorflow/tfjs';
import { createRng, STREAMS } from '../random';
import type { FeatureBatch, FeatureSource, PixelSource } from './source';
import type { TrunkRunner } from './trunk';

export interface CacheOptions {
  batchSize: number;
  /** Shuffle each epoch (training); in order otherwise (validation, evaluation). */
  shuffle: boolean;
  seed: number;
}

export class CachedFeatures implements FeatureSource {
  private constructor(
    private readonly features: tf.Tensor,
    private readonly labels: Int32Array,
    private readonly order: number[],
    private readonly options: CacheOptions,
  ) {}

  /** Runs every image of `pixels` (epoch 0, unaugmented, in order) through the trunk once. */
  static async build(pixels: PixelSource, runner: TrunkRunner, options: CacheOptions): Promise<CachedFeatures> {
    const parts: tf.Tensor[] = [];
    const labels: number[] = [];
    const order: number[] = [];
    for await (const batch of pixels.batches(0)) {
      parts.push(await runner.run(batch.pixels, batch.values));
      batch.pixels.dispose();
      labels.push(...batch.labels);
      order.push(...batch.indices);
    }
    const features = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    if (parts.length > 1) parts.forEach((p) => p.dispose());
    return new CachedFeatures(features, Int32Array.from(labels), order, options);
  }

  get size(): number {
    return this.labels.length;
  }

  /** Bytes the cache holds. */
  get bytes(): number {
    return this.features.size * 4;
  }

  async *batches(epoch: number): AsyncIterable<FeatureBatch> {
    const positions = Array.from({ length: this.size }, (_, i) => i);
    if (this.options.shuffle) createRng(this.options.seed, STREAMS.batchOrder, epoch).shuffle(positions);
    for (let start = 0; start < positions.length; start += this.options.batchSize) {
      const slice = positions.slice(start, start + this.options.batchSize);
      const x = tf.tidy(() => tf.gather(this.features, tf.tensor1d(slice, 'int32')));
      yield { x, labels: Int32Array.from(slice, (p) => this.labels[p]), indices: slice.map((p) => this.order[p]) };
    }
  }

  dispose(): void {
    this.features.dispose();
  }
}
