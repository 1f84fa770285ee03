// Benchmark: what the feature cache buys a feature extractor. A 20-epoch run of MobileNetV2
// (alpha 1.0, 96x96 RGB, `freeze all`, dense head) on the Fashion-MNIST subset the repository
// ships (2,000 PNGs), composed from the runtime pieces runPlan uses with the trunk on
// onnxruntime as a run has it by default: with the cache (one trunk pass, then 20 epochs of the
// tail on cached features) against recomputing the trunk every epoch (LiveFeatures, the same
// trunk engine). runPlan has no switch to turn the cache off, hence the composition.
// Target: the cached run at least 10x faster. Decoding is outside both rows (see decode.ts).
// Both rows share the trunk's onnxruntime session and the tail model, so before either is timed
// a short warm-up runs both (a small cache, two tail epochs) and puts the weights back: without
// it the first row alone paid the cold start (the first tail epoch takes 2-3 times a later one).
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CachedFeatures, LiveFeatures, pixelSource, runStage, type FeatureSource } from '@tlc/runtime';
import { ImageDataset } from '../packages/runtime/src/data/dataset';
import { BATCH, fashionPlan } from './lib/fashion-plan';
import { withPeakRss } from './lib/peak-rss';
import { stagePieces } from './lib/pipeline';

const EPOCHS = 20;
const TARGET = 10;
const WARM_UP_IMAGES = 4 * BATCH;

/** CPU seconds of the whole process (all threads) since `start`: steadier than the wall clock on a shared machine. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const plan = fashionPlan({ alpha: 1, freeze: 'all', epochs: EPOCHS });
  const stage = plan.stages[0]!;
  const pieces = await stagePieces(plan);
  const training = pieces.data.training;
  const images = training.size;
  const pixels = (shuffle: boolean) => pixelSource(training, { batchSize: BATCH, shuffle, seed: 1, augment: null });
  const train = (source: FeatureSource) =>
    runStage({ model: pieces.model, tail: pieces.tail, head: plan.head, stage, epochs: EPOCHS, train: source, validation: null, classWeights: null, batchSize: BATCH });

  const initialWeights = pieces.model.getWeights().map((w) => w.clone());
  const few = Array.from({ length: Math.min(WARM_UP_IMAGES, images) }, (_, i) => i);
  const warmUpData = new ImageDataset({
    classes: training.classes, shape: training.shape,
    images: few.map((i) => training.image(i)), labels: few.map((i) => training.labels[i]!), files: few.map((i) => training.files[i]!),
  });
  const warmUpCache = await CachedFeatures.build(pixelSource(warmUpData, { batchSize: BATCH, shuffle: false, seed: 1, augment: null }), pieces.runner(), { batchSize: BATCH, shuffle: true, seed: 1 });
  await runStage({ model: pieces.model, tail: pieces.tail, head: plan.head, stage, epochs: 2, train: warmUpCache, validation: null, classWeights: null, batchSize: BATCH });
  warmUpCache.dispose();
  const restore = () => pieces.model.setWeights(initialWeights);
  restore();

  const cached = await withPeakRss(async () => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const runner = pieces.runner();
    const cache = await CachedFeatures.build(pixels(false), runner, { batchSize: BATCH, shuffle: true, seed: 1 });
    const trunkSeconds = (performance.now() - start) / 1000;
    await train(cache);
    cache.dispose();
    return { seconds: (performance.now() - start) / 1000, cpuSeconds: cpuSince(cpuStart), trunkSeconds, trunkImages: runner.imagesSeen };
  });
  restore();
  const live = await withPeakRss(async () => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const runner = pieces.runner();
    await train(new LiveFeatures(pixels(true), runner));
    return { seconds: (performance.now() - start) / 1000, cpuSeconds: cpuSince(cpuStart), trunkImages: runner.imagesSeen };
  });
  initialWeights.forEach((w) => w.dispose());
  await pieces.dispose();

  const speed = (seconds: number) => (images * EPOCHS) / seconds;
  const row = (name: string, r: typeof live, detail: string) => ({
    run: name,
    epochs: EPOCHS,
    'images through trunk': r.result.trunkImages,
    seconds: Number(r.result.seconds.toFixed(1)),
    'training images/s': Number(speed(r.result.seconds).toFixed(0)),
    'vs recomputed': Number((live.result.seconds / r.result.seconds).toFixed(2)),
    'CPU s': Number(r.result.cpuSeconds.toFixed(1)),
    'CPU vs recomputed': Number((live.result.cpuSeconds / r.result.cpuSeconds).toFixed(2)),
    [r.perRow ? 'peak RSS MB (row)' : 'peak RSS MB (process)']: r.peakMb,
    detail,
  });
  const ratio = live.result.seconds / cached.result.seconds;
  const cpuRatio = live.result.cpuSeconds / cached.result.cpuSeconds;
  return {
    title: `Feature extractor, ${EPOCHS} epochs: MobileNetV2 (1.0, 96x96) freeze all + dense head, ${images} Fashion images, batch ${BATCH}, trunk ${pieces.engine}, tail on wasm `
      + `(${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}); target cached >= ${TARGET}x: ${ratio >= TARGET && cpuRatio >= TARGET ? 'met' : 'NOT met'} (${ratio.toFixed(1)}x by the clock, ${cpuRatio.toFixed(1)}x by CPU time)`,
    rows: [
      row('feature cache', cached, `trunk pass ${cached.result.trunkSeconds.toFixed(1)} s, then ${EPOCHS} tail epochs on cached features`),
      row('recomputed', live, `LiveFeatures: the trunk on every batch of every epoch`),
    ],
  };
}
