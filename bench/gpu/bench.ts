// The real-GPU check (bench/gpu/README.md): run by run.py with the Node it carries, prints one JSON
// object per measurement on stdout (run.py adds the peak GPU memory and prints the table).
//   trunk     MobileNetV2 1.0 and ResNet50V2 at 224x224, batch 32, on onnxruntime's cpu, webgpu
//             and (when its library is present) cuda providers: images/s
//   fine-tune a `freeze until` training step of MobileNetV2 1.0 at 224x224, batch 32, on tfjs
//             webgpu and wasm: images/s
//   pipeline  each offline example pipeline end to end with `tlc run --backend auto` (what auto
//             picks here): seconds, backend and trunk lines, test accuracy
// Measures, never asserts; a row that fails prints its error and the rest go on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createOnnxTrunk, cudaProviderInstalled, describeBackend, releaseBackend, selectBackend, type OnnxProvider } from '@tlc/runtime';
import { buildBackbone } from '@tlc/zoo';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BATCH = 32;
const only = process.argv.slice(2);
const wanted = (group: string): boolean => only.length === 0 || only.includes(group);

function emit(row: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

async function timed(warmup: number, runs: number, step: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < warmup; i++) await step();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await step();
  return (runs * BATCH) / ((performance.now() - start) / 1000);
}

async function trunkRows(): Promise<void> {
  await selectBackend('cpu');
  const providers: OnnxProvider[] = ['cpu', 'webgpu', ...(cudaProviderInstalled() ? ['cuda' as const] : [])];
  const cacheDir = mkdtempSync(join(tmpdir(), 'tlc-gpu-bench-'));
  try {
    for (const [name, alpha] of [['MobileNetV2', 1], ['ResNet50V2', undefined]] as const) {
      const model = buildBackbone(name, { inputShape: [224, 224, 3], alpha });
      const pixels = Float32Array.from({ length: BATCH * 224 * 224 * 3 }, (_, i) => ((i * 7919) % 255) / 127.5 - 1);
      for (const provider of providers) {
        try {
          const trunk = await createOnnxTrunk(model, { cacheDir, providers: [provider] });
          const imagesPerSecond = await timed(2, provider === 'cpu' ? 3 : 10, () => trunk.run(pixels, BATCH));
          await trunk.dispose();
          emit({ group: 'trunk', model: `${name} 224`, engine: `onnxruntime ${provider}`, imagesPerSecond });
        } catch (error) {
          emit({ group: 'trunk', model: `${name} 224`, engine: `onnxruntime ${provider}`, error: (error as Error).message.split('\n')[0] });
        }
      }
      if (!cudaProviderInstalled()) emit({ group: 'trunk', model: `${name} 224`, engine: 'onnxruntime cuda', error: 'provider library not carried (several hundred MB)' });
      model.dispose();
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function fineTuneRows(): Promise<void> {
  for (const backend of ['webgpu', 'wasm'] as const) {
    try {
      await selectBackend(backend);
      const adapter = describeBackend();
      const backbone = buildBackbone('MobileNetV2', { inputShape: [224, 224, 3], alpha: 1 });
      const pooled = tf.layers.globalAveragePooling2d({}).apply(backbone.outputs[0]!) as tf.SymbolicTensor;
      const model = tf.model({ inputs: backbone.inputs, outputs: tf.layers.dense({ units: 10, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor });
      const until = backbone.layers.findIndex((layer) => layer.name === 'block_12_add');
      backbone.layers.forEach((layer, i) => (layer.trainable = i > until));
      const optimizer = tf.train.adam(1e-4);
      const images = tf.randomUniform([BATCH, 224, 224, 3], -1, 1);
      const labels = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10);
      const step = async () => {
        const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(images, { training: true }) as tf.Tensor), true);
        await loss!.data();
        loss!.dispose();
      };
      const imagesPerSecond = await timed(2, backend === 'wasm' ? 2 : 10, step);
      emit({ group: 'fine-tune', model: 'MobileNetV2 224 until block_12_add', engine: `tfjs ${backend}`, imagesPerSecond, backend: adapter });
      tf.dispose([images, labels]);
      optimizer.dispose();
      model.dispose();
    } catch (error) {
      emit({ group: 'fine-tune', model: 'MobileNetV2 224 until block_12_add', engine: `tfjs ${backend}`, error: (error as Error).message.split('\n')[0] });
    }
  }
  releaseBackend();
}

/** The examples whose data ships with tlc and that need no download, in dependency order (fashion-transfer uses fashion-base's model). */
const EXAMPLES = ['fashion', 'fashion-base', 'fashion-transfer'];

function pipelineRows(): void {
  const tlc = join(root, 'packages', 'cli', 'bin', 'tlc.mjs');
  for (const example of EXAMPLES) {
    const out = mkdtempSync(join(tmpdir(), `tlc-gpu-${example}-`));
    rmSync(out, { recursive: true });
    const start = performance.now();
    try {
      const stdout = execFileSync(process.execPath, [tlc, 'run', join(root, 'examples', `${example}.tl`), '--out', out, '--json', '--quiet'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
      const summary = JSON.parse(stdout.trim().split('\n').pop()!);
      const evaluation = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
      emit({ group: 'pipeline', model: example, engine: summary.backend, trunk: summary.trunk, seconds: (performance.now() - start) / 1000, accuracy: evaluation.accuracy });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? (error as Error).message;
      emit({ group: 'pipeline', model: example, error: stderr.trim().split('\n').slice(-1)[0] });
    }
  }
}

if (wanted('trunk')) await trunkRows();
if (wanted('fine-tune')) await fineTuneRows();
if (wanted('pipeline')) pipelineRows();
