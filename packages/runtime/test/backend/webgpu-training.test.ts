// Training on the WebGPU backend against the pure-JS 'cpu' backend: a `freeze until` fine-tuning
// step of MobileNetV2, ResNet50V2 and EfficientNetB0 (small inputs, the runtime's own
// applyFreeze, BatchNormalization in both modes, EfficientNet's dropout masks seeded as a run
// seeds them) has the same weight gradients (relative error <= 1e-3), and epochs of training
// leave no tensors or GPU buffers behind.
//
// The error of a weight's gradient is taken relative to its own scale, except where the gradient
// is zero in theory: a BatchNormalization beta followed through linear layers (a residual add, a
// 1x1 convolution) by a BatchNormalization in training mode, whose gradient removes the mean of
// every channel. What both backends compute there is the rounding noise of that cancellation,
// which no two backends share; it is only checked to be as small as the reference's.
import * as tf from '@tensorflow/tfjs';
import { buildBackbone, seedDropoutMasks } from '@tlc/zoo';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseBackend, selectBackend } from '../../src/backend/index';
import { runStage, type FeatureSource } from '../../src/index';
import { stage } from '../run/fixtures';
import { applyFreeze } from '../../src/model/freeze';
import { createRng } from '../../src/random';
import { seedInitialWeights } from '../../src/model/seeded-init';
import { webgpuTestsRun } from './webgpu-adapter';
import { relativeError } from '../relative-error';

const TOLERANCE = 1e-3;
type Backend = 'cpu' | 'webgpu';

afterAll(() => releaseBackend());

const maxAbs = (values: Float32Array): number => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function randomValues(length: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

interface FineTune {
  family: string;
  /** Input size: 64 leaves 2x2 maps at the end, enough samples for BatchNormalization in training mode. */
  size: number;
  options: Record<string, unknown>;
  /** `freeze until` this layer: it and every layer before it are frozen. */
  until: string;
  /** Every backbone BatchNormalization in inference mode (Keras's fine-tuning advice) or not. */
  batchNormInference: boolean;
  /** Weights whose gradient is zero in theory (see the top of the file). */
  zeroInTheory?: RegExp;
}

async function useBackend(backend: Backend): Promise<void> {
  if (backend === 'webgpu') await selectBackend('webgpu');
  else await tf.setBackend('cpu');
}

/** Gradients of the trainable weights after `freeze until`, from `initial` weights when given. */
async function gradients(backend: Backend, spec: FineTune, initial?: Float32Array[]): Promise<{ initial: Float32Array[]; grads: Float32Array[]; names: string[] }> {
  await useBackend(backend);
  const size = spec.size;
  const backbone = buildBackbone(spec.family, { inputShape: [size, size, 3], ...spec.options });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(backbone.outputs[0]!) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: backbone.inputs, outputs: output });
  const names = backbone.layers.map((layer) => layer.name);
  const cut = names.indexOf(spec.until);
  expect(cut).toBeGreaterThan(0);
  applyFreeze(model, { frozen: new Set(names.slice(0, cut + 1)), backbone: new Set(names), batchNormInference: spec.batchNormInference });
  // Seeded initial weights, so every run checks the same case (unseeded, a rare draw put a gradient
  // near cancellation, and its relative error over the tolerance).
  if (initial === undefined) seedInitialWeights(model.layers, 2024);
  else model.setWeights(model.weights.map((w, i) => tf.tensor(initial[i]!, w.shape as number[])));
  const start = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const images = tf.tensor(randomValues(4 * size * size * 3, 77), [4, size, size, 3]);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
  // The same dropout masks on both backends (the training loop seeds them per step likewise).
  seedDropoutMasks(1234);
  const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(images, { training: true }) as tf.Tensor));
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const values = await Promise.all(trainable.map(async (v) => (await grads[v.name]!.data()) as Float32Array));
  seedDropoutMasks(null);
  tf.dispose([images, labels, Object.values(grads)]);
  model.dispose();
  return { initial: start, grads: values, names: trainable.map((v) => v.name) };
}

// The pure-JS reference is the slow half (ResNet50V2 and EfficientNetB0 at 32 px: ~10 s each).
const FINE_TUNES: FineTune[] = [
  { family: 'MobileNetV2', size: 64, options: { alpha: 0.35 }, until: 'block_14_add', batchNormInference: true },
  { family: 'MobileNetV2', size: 64, options: { alpha: 0.35 }, until: 'block_14_add', batchNormInference: false, zeroInTheory: /^block_1[56]_project_BN\/beta/ },
  { family: 'ResNet50V2', size: 32, options: {}, until: 'conv5_block2_out', batchNormInference: true },
  { family: 'EfficientNetB0', size: 32, options: {}, until: 'block6c_add', batchNormInference: true },
];

describe.runIf(webgpuTestsRun)('a freeze-until fine-tuning step, webgpu against cpu', () => {
  for (const spec of FINE_TUNES) {
    const mode = spec.batchNormInference ? 'BatchNormalization in inference mode' : 'BatchNormalization training';
    it(`${spec.family} at ${spec.size} px until ${spec.until}, ${mode}: the same weight gradients`, async () => {
      const reference = await gradients('cpu', spec);
      const webgpu = await gradients('webgpu', spec, reference.initial);
      expect(webgpu.names.length).toBe(reference.names.length);
      expect(reference.grads.length).toBeGreaterThan(4);
      const scale = Math.max(...reference.grads.map(maxAbs));
      reference.grads.forEach((expected, i) => {
        const name = reference.names[i]!;
        if (spec.zeroInTheory?.test(name)) {
          expect(maxAbs(expected), `${name} (zero in theory) on cpu`).toBeLessThan(1e-2 * scale);
          expect(maxAbs(webgpu.grads[i]!), `${name} (zero in theory) on webgpu`).toBeLessThan(1e-2 * scale);
        } else {
          expect(relativeError(webgpu.grads[i]!, expected), name).toBeLessThan(TOLERANCE);
        }
      });
    }, 300_000);
  }
});

describe.runIf(webgpuTestsRun)('GPU memory over epochs', () => {
  it('a stage of a fine-tuned MobileNetV2 holds the same tensors and GPU bytes after every epoch', async () => {
    await selectBackend('webgpu');
    const backbone = buildBackbone('MobileNetV2', { inputShape: [32, 32, 3], alpha: 0.35 });
    const pooled = tf.layers.globalAveragePooling2d({}).apply(backbone.outputs[0]!) as tf.SymbolicTensor;
    const model = tf.model({ inputs: backbone.inputs, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor });
    const names = backbone.layers.map((layer) => layer.name);
    applyFreeze(model, { frozen: new Set(names.slice(0, names.indexOf('block_15_add') + 1)), backbone: new Set(names), batchNormInference: true });
    // Fresh input tensors every batch, as the data pipeline makes them (the stage disposes them).
    const source: FeatureSource = {
      size: 8,
      async *batches(epoch) {
        for (let batch = 0; batch < 2; batch++) {
          yield { x: tf.tensor(randomValues(4 * 32 * 32 * 3, epoch * 10 + batch), [4, 32, 32, 3]), labels: Int32Array.from([0, 1, 0, 1]), indices: [0, 1, 2, 3] };
        }
      },
    };
    const after: { numTensors: number; numBytesInGPU: number }[] = [];
    const head = { layers: [], outputUnits: 2, outputActivation: 'softmax' as const };
    await runStage({
      model, tail: model, head, stage: stage({ epochs: 4 }), train: source, validation: source, classWeights: null, batchSize: 4,
      onEpoch() {
        const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
        after.push({ numTensors: memory.numTensors, numBytesInGPU: memory.numBytesInGPU });
      },
    });
    expect(after).toHaveLength(4);
    expect(after[1]!.numBytesInGPU).toBeGreaterThan(0);
    // The first epochs create the optimizer's state and the best weights' copy; then nothing grows
    // (this caught the optimizer's iteration-count scalar leaking once per epoch, on every backend).
    for (const epoch of after.slice(2)) expect(epoch).toEqual(after[1]);
    model.dispose();
  }, 300_000);
});
