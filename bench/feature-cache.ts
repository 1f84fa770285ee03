// Benchmark: what the feature cache buys. A feature extractor (MobileNet alpha 0.25, 32x32
// grayscale, frozen; a dense head trains) on the Fashion-MNIST subset the repository ships,
// per backend: the frozen trunk's images per second (the cache's one pass), the tail's training
// images per second on cached features, and the time of EPOCHS epochs with the cache (one trunk
// pass, then the tail only) against recomputing the trunk every epoch.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Plan } from '@tlc/plan';
import {
  applyFreeze, assembleModel, CachedFeatures, LiveFeatures, loadData, pixelSource, runStage, selectBackend,
  splitAtFreezePoint, TrunkRunner, type FeatureSource,
} from '@tlc/runtime';

const EPOCHS = 3;
const BATCH = 32;
const examples = fileURLToPath(new URL('../examples/', import.meta.url));

function plan(frozen: string[]): Plan {
  return {
    version: 1, name: 'bench', source: null,
    model: {
      architecture: 'MobileNet', family: 'mobilenet', alpha: 0.25, inputShape: [32, 32, 1], weights: { source: 'none' },
      firstConvAdapt: null, cutAfter: null, outputLayer: 'conv_pw_13_relu', freeze: { mode: 'all', until: null, layers: frozen },
    },
    preprocess: { requested: 'rescale', mode: 'rescale', channelOrder: 'rgb', scale: 1 / 255, mean: [0], std: [1] },
    head: { layers: [{ type: 'pool', pool: 'avg', name: 'pool' }, { type: 'dense', units: 4, activation: 'softmax', name: 'out' }], outputUnits: 4, outputActivation: 'softmax' },
    data: {
      directory: 'data/fashion/train', imageSize: [32, 32], colorMode: 'grayscale', validation: { mode: 'none' },
      batchSize: BATCH, shuffle: true, seed: 1, onBadImage: 'fail', maxPixels: 1e6, augment: null,
    },
    stages: [{
      name: 'train', epochs: EPOCHS, batchSize: BATCH,
      optimizer: { name: 'adam', learningRate: 1e-3, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
      loss: 'categorical_crossentropy', metrics: ['accuracy'], earlyStopping: null, classWeights: { mode: 'none' },
      frozenLayers: frozen, batchNormInference: true, checkpoint: { monitor: 'accuracy', mode: 'max' },
    }],
    evaluate: null, export: null, predict: null, notes: [],
  };
}

async function measure(backend: 'wasm' | 'cpu'): Promise<Record<string, string | number>> {
  await selectBackend(backend);
  const draft = plan([]);
  const { model, backboneLayers } = await assembleModel(draft, { baseDir: examples });
  const frozen = [...backboneLayers].filter((n) => n !== model.inputNames[0]);
  const p = plan(frozen);
  applyFreeze(model, { frozen: new Set(frozen), backbone: backboneLayers, batchNormInference: true });
  const split = splitAtFreezePoint(model, new Set(frozen));
  const data = await loadData(p.data!, examples);
  const images = data.training.size;
  const stage = p.stages[0];
  const pixels = (shuffle: boolean) => pixelSource(data.training, { batchSize: BATCH, shuffle, seed: 1, augment: null });
  const train = (source: FeatureSource) => runStage({ model, tail: split.tail, head: p.head, stage, train: source, validation: null, classWeights: null, batchSize: BATCH });

  let start = performance.now();
  const cache = await CachedFeatures.build(pixels(false), new TrunkRunner(split.trunk, p.preprocess), { batchSize: BATCH, shuffle: true, seed: 1 });
  const trunkSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  await train(cache);
  const tailSeconds = (performance.now() - start) / 1000;
  cache.dispose();
  start = performance.now();
  await train(new LiveFeatures(pixels(true), new TrunkRunner(split.trunk, p.preprocess)));
  const liveSeconds = (performance.now() - start) / 1000;
  model.dispose();
  return {
    backend,
    images,
    'trunk img/s': images / trunkSeconds,
    'tail img/s': (images * EPOCHS) / tailSeconds,
    [`${EPOCHS} epochs cached s`]: trunkSeconds + tailSeconds,
    [`${EPOCHS} epochs recomputed s`]: liveSeconds,
    'cache speed-up': liveSeconds / (trunkSeconds + tailSeconds),
  };
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  return {
    title: `Feature cache: MobileNet 0.25 (32x32 gray) frozen, dense head, ${EPOCHS} epochs on the Fashion-MNIST subset`,
    rows: [await measure('wasm'), await measure('cpu')],
  };
}
