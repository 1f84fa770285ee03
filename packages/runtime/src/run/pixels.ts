// Pixel batches for the training loop from the data pipeline's datasets: raw 0..255 NHWC float
// tensors, in the dataset's seeded per-epoch order, augmented when asked, the next batches' pixels
// read ahead (from the pixel cache on disk when the set is streamed) while the consumer trains on
// this one; each batch after a turn of the event loop, so a stop is seen between batches.
import * as tf from '@tensorflow/tfjs';
import type { AugmentPlan } from '@tlc/plan';
import type { ImageDataset } from '../data/dataset';
import type { PixelBatch, PixelSource } from '../features/source';
import { yieldToEvents } from './interrupt';

export interface PixelSourceOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  augment: AugmentPlan | null;
}

export function pixelSource(dataset: ImageDataset, options: PixelSourceOptions): PixelSource {
  const { height, width, channels } = dataset.shape;
  return {
    size: dataset.size,
    async *batches(epoch: number): AsyncIterable<PixelBatch> {
      for await (const batch of dataset.batchesAhead(epoch, options)) {
        // A turn for the event loop per batch: Ctrl-C is seen within a batch (run/interrupt.ts).
        await yieldToEvents();
        yield {
          pixels: tf.tensor4d(batch.x, [batch.size, height, width, channels]),
          values: batch.x,
          labels: batch.labels,
          indices: Array.from(batch.indices),
          ...(batch.mix ? { mix: batch.mix } : {}),
        };
      }
    },
  };
}
