// Benchmark: one epoch of tail training for `freeze until` the last block. MobileNetV2 at 96x96
// RGB (alpha 0.35 and 1.0, random weights) frozen until block5, so the tail is block6 (block_16
// and Conv_1) plus a dense head, trained on the wasm backend on cached features of the
// Fashion-MNIST subset (2,000 images); the trunk runs once on onnxruntime to fill the cache, as
// a run does. Each model: the cache's trunk pass (the baseline row), then two tail epochs; the
// second is reported (the first also sets up kernels) and its speed against the trunk pass.
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CachedFeatures, pixelSource, runStage } from '@tlc/runtime';
import { BATCH, fashionPlan } from './lib/fashion-plan';
import { withPeakRss } from './lib/peak-rss';
import { stagePieces } from './lib/pipeline';

const ALPHAS = [0.35, 1];

async function measure(alpha: number): Promise<Record<string, string | number>[]> {
  const plan = fashionPlan({ alpha, freeze: 'until block5', epochs: 2 });
  const pieces = await stagePieces(plan);
  const images = pieces.data.training.size;
  const trunk = await withPeakRss(async () => {
    const start = performance.now();
    const pixels = pixelSource(pieces.data.training, { batchSize: BATCH, shuffle: false, seed: 1, augment: null });
    const cache = await CachedFeatures.build(pixels, pieces.runner(), { batchSize: BATCH, shuffle: true, seed: 1 });
    return { cache, speed: images / ((performance.now() - start) / 1000) };
  });
  const tail = await withPeakRss(() =>
    runStage({ model: pieces.model, tail: pieces.tail, head: plan.head, stage: plan.stages[0]!, train: trunk.result.cache, validation: null, classWeights: null, batchSize: BATCH }),
  );
  trunk.result.cache.dispose();
  const tailLayers = pieces.tail.layers.length;
  await pieces.dispose();
  const [first, second] = tail.result.epochs;
  const peak = trunk.perRow ? 'peak RSS MB (row)' : 'peak RSS MB (process)';
  const model = `MobileNetV2 ${alpha} 96x96`;
  return [
    { model, stage: 'trunk pass (fills the cache)', images, 'images/s': Math.round(trunk.result.speed), 'vs trunk pass': 1, [peak]: trunk.peakMb, detail: `${pieces.engine}, frozen until block5` },
    {
      model, stage: 'one tail epoch, freeze until block5', images, 'images/s': Math.round(second!.imagesPerSecond),
      'vs trunk pass': Number((second!.imagesPerSecond / trunk.result.speed).toFixed(2)), [peak]: tail.peakMb,
      detail: `wasm, ${tailLayers} tail layers (block_16, Conv_1, head), epoch 2; epoch 1 ${Math.round(first!.imagesPerSecond)} images/s`,
    },
  ];
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const rows: Record<string, string | number>[] = [];
  for (const alpha of ALPHAS) rows.push(...(await measure(alpha)));
  return { title: `Tail training for freeze until the last block, batch ${BATCH}, on cached features (${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)})`, rows };
}
