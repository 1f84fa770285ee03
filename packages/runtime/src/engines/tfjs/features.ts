// What the tail of a stage trains on: the frozen trunk's features, cached once (in memory, or on
// disk under the run folder when they outgrow memoryCacheBytes) when nothing changes an image
// between epochs, else computed per batch (augmentation on, or nothing frozen); and the trunk's
// description for the log and the report.
import type { DataPlan, StagePlan } from '@tlc/plan';
import type { ImageDataset } from '../../data/dataset';
import { CachedFeatures } from '../../features/cache';
import { DiskCachedFeatures } from '../../features/disk-cache';
import { LiveFeatures } from '../../features/live';
import type { FeatureSource } from '../../features/source';
import type { TrunkRunner } from '../../features/trunk';
import type { SplitModel } from '../../model/split';
import { pixelSource } from '../../run/pixels';
import { isOutOfMemory, outOfMemory } from '../../train/out-of-memory';
import { resolvedBatch } from '../../run/batch-size';

/** Feature caches up to this size stay in memory; larger ones go to disk. */
export const MEMORY_CACHE_BYTES = 2 ** 30;

/** Bytes of the cache: the trunk's outputs (or the pixels, without a trunk) for every image. */
export function featureBytes(split: SplitModel, images: number, inputShape: number[]): number {
  const shape = split.trunk ? (split.trunk.outputs[0].shape.slice(1) as number[]) : inputShape;
  return images * shape.reduce((a, b) => a * b, 1) * 4;
}

/** The trunk for the log and report; a trunk that takes the head's pooling names the backbone output too. */
export function describeTrunk(split: SplitModel, cached: boolean, backboneLayers: ReadonlySet<string>, backboneOutput: string): string {
  if (!split.trunk || split.cutLayer === null) return 'none (everything trains)';
  const span = backboneLayers.has(split.cutLayer) ? split.cutLayer : `${backboneOutput} + ${split.cutLayer}`;
  return `input..${span} (${split.trunk.layers.length - 1} layers, forward only${cached ? ', features cached' : ''})`;
}

/** Tail inputs for a dataset: trunk features cached once (in memory, or in `cacheFile`), or computed per batch. */
export async function featureSource(
  dataset: ImageDataset, runner: TrunkRunner, data: DataPlan, stage: StagePlan, cache: boolean, training: boolean, cacheFile: string | null,
): Promise<FeatureSource> {
  const shuffle = training && data.shuffle;
  try {
    return await buildFeatureSource(dataset, runner, data, stage, cache, training, cacheFile, shuffle);
  } catch (error) {
    throw isOutOfMemory(error) ? outOfMemory(stage.name, resolvedBatch(stage.batchSize), error) : error;
  }
}

async function buildFeatureSource(
  dataset: ImageDataset, runner: TrunkRunner, data: DataPlan, stage: StagePlan, cache: boolean, training: boolean, cacheFile: string | null, shuffle: boolean,
): Promise<FeatureSource> {
  const batchSize = resolvedBatch(stage.batchSize);
  if (!cache) {
    return new LiveFeatures(pixelSource(dataset, { batchSize, shuffle, seed: data.seed, augment: training ? data.augment : null }), runner);
  }
  const inOrder = pixelSource(dataset, { batchSize, shuffle: false, seed: data.seed, augment: null });
  const options = { batchSize, shuffle, seed: data.seed };
  return cacheFile ? DiskCachedFeatures.build(inOrder, runner, cacheFile, options) : CachedFeatures.build(inOrder, runner, options);
}

export function disposeFeatures(source: FeatureSource | null): void {
  if (source instanceof CachedFeatures || source instanceof DiskCachedFeatures) source.dispose();
}
