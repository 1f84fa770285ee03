// Tail inputs computed afresh every epoch: each pixel batch (augmented per epoch) goes through
// preprocessing and the frozen trunk. Used when augmentation makes every epoch's images differ.
import type { FeatureBatch, FeatureSource, PixelSource } from './source';
import type { TrunkRunner } from './trunk';

export class LiveFeatures implements FeatureSource {
  constructor(
    private readonly pixels: PixelSource,
    private readonly runner: TrunkRunner,
  ) {}

  get size(): number {
    return this.pixels.size;
  }

  async *batches(epoch: number): AsyncIterable<FeatureBatch> {
    for await (const batch of this.pixels.batches(epoch)) {
      const x = await this.runner.run(batch.pixels, batch.values);
      batch.pixels.dispose();
      yield { x, labels: batch.labels, indices: batch.indices, ...(batch.mix ? { mix: batch.mix } : {}) };
    }
  }
}
