// The trunk inside a run: TrunkRunner gives the same tail inputs (preprocessing, then the trunk)
// with the trunk on onnxruntime (preprocessing folded into the graph, or left on tfjs) as with
// trunk.predict, for tf, caffe and torch preprocessing; and a feature-extractor run (a backbone
// with random weights from a model.json, frozen up to its cut, the head trained on cached
// features) says which engine ran its trunk, exports the graph once and reuses it.
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildBackbone, saveModelToDir } from '@tlc/zoo';
import { createOnnxTrunk, RunLog, runPlan, selectBackend, type RunSummary, type TrunkRuntime } from '../../src/index';
import { TrunkRunner } from '../../src/features/trunk';
import type { PreprocessPlan } from '@tlc/plan';
import { BACKBONE, layersUntil, makePlan, SIZE, stage, tempDir, writeImageFolder } from '../run/fixtures';
import { randomizeWeights } from './random-weights';

const PER_CLASS = 16;
let base: string;

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('onnx-pipeline');
  vi.stubEnv('TLC_HOME', join(base, 'home'));
  await writeImageFolder(join(base, 'data'), PER_CLASS);
  const backbone = buildBackbone(BACKBONE.architecture, { inputShape: [SIZE, SIZE, 1], alpha: BACKBONE.alpha });
  randomizeWeights(backbone);
  await saveModelToDir(backbone, join(base, 'weights'));
  backbone.dispose();
});
afterAll(() => vi.unstubAllEnvs());

describe('TrunkRunner', () => {
  const plain = makePlan().preprocess;
  const PREPROCESSING: [string, PreprocessPlan][] = [
    ['tf', { ...plain, mode: 'tf', scale: 1 / 127.5, mean: [1], std: [1] }],
    ['caffe (BGR, per-channel means)', { ...plain, mode: 'caffe', channelOrder: 'bgr', scale: 1, mean: [103.939, 116.779, 123.68], std: [1] }],
    ['torch (per-channel means and deviations)', { ...plain, mode: 'torch', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }],
  ];

  for (const [name, preprocessing] of PREPROCESSING) {
    it(`gives the same tail inputs on onnxruntime as with predict, preprocessing ${name} in the graph or on tfjs`, async () => {
      const backbone = buildBackbone('MobileNetV2', { inputShape: [40, 40, 3], alpha: 0.35 });
      randomizeWeights(backbone, 5);
      const pixels = tf.randomUniform([3, 40, 40, 3], 0, 255, 'float32', 9) as tf.Tensor4D;
      const want = await new TrunkRunner(backbone, preprocessing).run(pixels);
      const scale = want.abs().max().dataSync()[0];
      expect(scale).toBeGreaterThan(1e-2);
      for (const inGraph of [true, false]) {
        const onnx = await createOnnxTrunk(backbone, { cacheDir: join(base, 'graphs'), preprocess: inGraph ? preprocessing : undefined });
        expect(onnx.preprocesses).toBe(inGraph);
        const runner = new TrunkRunner(backbone, preprocessing, onnx);
        // From the tensor, and from the flat array a pixel source hands along with it.
        for (const values of [undefined, pixels.dataSync() as Float32Array]) {
          const got = await runner.run(pixels, values);
          expect(got.shape).toEqual(want.shape);
          expect(got.sub(want).abs().max().dataSync()[0] / scale).toBeLessThan(1e-4);
          got.dispose();
        }
        expect(runner.imagesSeen).toBe(6);
        await runner.dispose();
      }
      tf.dispose([pixels, want]);
      backbone.dispose();
    });
  }
});

async function run(trunk: TrunkRuntime): Promise<{ summary: RunSummary; lines: string }> {
  const frozen = layersUntil(BACKBONE.outputLayer);
  const plan = makePlan({
    weights: { source: 'file', path: 'weights/model.json', format: 'tfjs' },
    frozen,
    stages: [stage({ frozenLayers: frozen, epochs: 2, batchNormInference: true })],
  });
  const out = new PassThrough();
  let lines = '';
  out.on('data', (chunk) => (lines += String(chunk)));
  const summary = await runPlan(plan, { baseDir: base, out: join(base, `run-${trunk}`), trunk, log: new RunLog({ out }) });
  return { summary, lines };
}

describe('a feature-extractor run', () => {
  it('runs its trunk on onnxruntime by default, exporting the graph once; --trunk tfjs keeps it on tfjs', async () => {
    const first = await run('auto');
    expect(first.lines).toContain('trunk engine: onnxruntime (cpu provider, graph exported)');
    expect(first.summary.stages[0].trunkImages).toBe(2 * PER_CLASS);
    expect(first.summary.evaluation!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(8);

    const again = await run('onnx');
    expect(again.lines).toContain('trunk engine: onnxruntime (cpu provider, graph cached)');

    const tfjs = await run('tfjs');
    expect(tfjs.lines).toContain('trunk engine: tfjs (wasm)');
    expect(tfjs.summary.stages[0].trunkImages).toBe(2 * PER_CLASS);
  });
});
