// The feature cache on disk, for data sets whose trunk features do not fit in memory: one pass
// writes every image's trunk output, in order, as float32 rows to a file under the run folder;
// each epoch reads its batches back by row (seeded per-epoch order), so the trunk still runs
// once per image. The file is deleted when the stage is done.
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRng, STREAMS } from '../random';
import type { CacheOptions } from './cache';
import type { FeatureBatch, FeatureSource, PixelSource } from './source';
import type { TrunkRunner } from './trunk';
import { yieldToEvents } from '../run/interrupt';

export class DiskCachedFeatures implements FeatureSource {
  private constructor(
    private readonly file: string,
    private readonly shape: number[],
    private readonly labels: Int32Array,
    private readonly order: number[],
    private readonly options: CacheOptions,
  ) {}

  static async build(pixels: PixelSource, runner: TrunkRunner, file: string, options: CacheOptions): Promise<DiskCachedFeatures> {
    mkdirSync(dirname(file), { recursive: true });
    const fd = openSync(file, 'w');
    const labels: number[] = [];
    const order: number[] = [];
    let shape: number[] = [];
    try {
      for await (const batch of pixels.batches(0)) {
        const features = await runner.run(batch.pixels, batch.values);
        batch.pixels.dispose();
        shape = features.shape.slice(1);
        const values = (await features.data()) as Float32Array;
        features.dispose();
        writeSync(fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
        labels.push(...batch.labels);
        order.push(...batch.indices);
      }
    } finally {
      closeSync(fd);
    }
    return new DiskCachedFeatures(file, shape, Int32Array.from(labels), order, options);
  }

  get size(): number {
    return this.labels.length;
  }

  async *batches(epoch: number): AsyncIterable<FeatureBatch> {
    const rowValues = this.shape.reduce((a, b) => a * b, 1);
    const rowBytes = rowValues * 4;
    const positions = Array.from({ length: this.size }, (_, i) => i);
    if (this.options.shuffle) createRng(this.options.seed, STREAMS.batchOrder, epoch).shuffle(positions);
    const fd = openSync(this.file, 'r');
    try {
      for (let start = 0; start < positions.length; start += this.options.batchSize) {
        // A turn for the event loop per batch: Ctrl-C is seen within a batch (run/interrupt.ts).
        await yieldToEvents();
        const slice = positions.slice(start, start + this.options.batchSize);
        const values = new Float32Array(slice.length * rowValues);
        const bytes = new Uint8Array(values.buffer);
        slice.forEach((p, i) => readSync(fd, bytes, i * rowBytes, rowBytes, p * rowBytes));
        yield {
          x: tf.tensor(values, [slice.length, ...this.shape]),
          labels: Int32Array.from(slice, (p) => this.labels[p]),
          indices: slice.map((p) => this.order[p]),
        };
      }
    } finally {
      closeSync(fd);
    }
  }

  dispose(): void {
    rmSync(this.file, { force: true });
  }
}
