// Benchmark: fine-tuning speed on the WebAssembly backend (with the runtime's wasm training
// kernels) against pure-JS tfjs ('cpu'). MobileNetV2 (alpha 0.35, 96x96) with a pooled dense head,
// every layer trainable, trained on the same random batch on each backend: images per second over
// timed steps after a warm-up step, and wasm's speed-up over cpu.
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@tlc/runtime';
import { buildBackbone } from '@tlc/zoo';

const BATCH = 8;
const CLASSES = 10;
const TIMED_STEPS: Record<'wasm' | 'cpu', number> = { wasm: 6, cpu: 1 };

function buildModel(): tf.LayersModel {
  const backbone = buildBackbone('MobileNetV2', { inputShape: [96, 96, 3], alpha: 0.35 });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(backbone.outputs[0]!) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: CLASSES, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: backbone.inputs, outputs: output });
  model.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
  return model;
}

async function imagesPerSecond(backend: 'wasm' | 'cpu'): Promise<{ backend: string; description: string; msPerStep: number; imagesPerSecond: number }> {
  const selected = await selectBackend(backend);
  const model = buildModel();
  const images = tf.randomUniform([BATCH, 96, 96, 3], 0, 255);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, CLASSES, 'int32') as tf.Tensor1D, CLASSES);
  await model.trainOnBatch(images, labels); // warm-up: kernel set-up, XNNPACK operator creation
  const steps = TIMED_STEPS[backend];
  const start = performance.now();
  for (let step = 0; step < steps; step++) await model.trainOnBatch(images, labels);
  const msPerStep = (performance.now() - start) / steps;
  tf.dispose([images, labels]);
  model.dispose();
  return { backend, description: selected.description, msPerStep, imagesPerSecond: (BATCH * 1000) / msPerStep };
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const wasm = await imagesPerSecond('wasm');
  const cpu = await imagesPerSecond('cpu');
  const row = (r: typeof wasm) => ({
    backend: r.backend,
    'ms per step': Math.round(r.msPerStep),
    'images/s': Number(r.imagesPerSecond.toPrecision(3)),
    'vs cpu': Number((r.imagesPerSecond / cpu.imagesPerSecond).toPrecision(3)),
    detail: r.description,
  });
  return {
    title: `Fine-tuning MobileNetV2 (alpha 0.35, 96x96, all layers trainable), batch ${BATCH}: training steps per backend`,
    rows: [row(wasm), row(cpu)],
  };
}
