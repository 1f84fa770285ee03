// The frozen trunk on onnxruntime's WebGPU provider (bundled in onnxruntime-node on Linux): with a
// GPU backend it is the trunk's provider (after CUDA when that is installed), and the zoo's
// families (the smallest member at its minimum input size, random weights) give the same features
// on it as on the CPU provider, within 1e-4 of the output's largest magnitude.
//
// On lavapipe (CI) a family takes 15-80 s (export, then the shaders compiled on the CPU), so the
// suite checks the families whose layers differ (depthwise and squeeze-excite, residual V2,
// LayerNormalization and GELU, branches and concatenation); TLC_WEBGPU_ALL_FAMILIES=1 checks all
// fourteen (all passed here on Mesa 25.0.7's lavapipe, about 7 minutes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone, findModel } from '@tlc/zoo';
import { releaseBackend, selectBackend } from '../../src/backend/index';
import { createOnnxTrunk, cudaProviderInstalled, defaultProviders } from '../../src/onnx/index';
import { webgpuTestsRun } from '../backend/webgpu-adapter';
import { randomizeWeights } from './random-weights';
import { SMALLEST_OF_EACH_FAMILY } from '../families';

const TOLERANCE = 1e-4;
let cacheDir: string;

beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'tlc-onnx-webgpu-'));
});
afterAll(() => {
  releaseBackend();
  rmSync(cacheDir, { recursive: true, force: true });
});

const ALL_FAMILIES = SMALLEST_OF_EACH_FAMILY;
const IN_THE_SUITE = new Set(['ResNet50V2', 'ConvNeXtTiny', 'InceptionV3', 'MobileNetV2', 'MobileNetV3Small', 'EfficientNetB0']);
const FAMILIES = process.env.TLC_WEBGPU_ALL_FAMILIES === '1' ? ALL_FAMILIES : ALL_FAMILIES.filter(([name]) => IN_THE_SUITE.has(name));

describe.runIf(webgpuTestsRun)('the trunk on the WebGPU provider', () => {
  it('is the default provider with a GPU backend (after CUDA), never with a CPU one', async () => {
    const cuda = cudaProviderInstalled() ? ['cuda'] : [];
    await selectBackend('webgpu');
    expect(defaultProviders()).toEqual([...cuda, 'webgpu', 'cpu']);
    await selectBackend('cpu');
    expect(defaultProviders()).toEqual([...cuda, 'cpu']);
  });

  for (const [name, alpha] of FAMILIES) {
    it(`${name}: the same features as on the CPU provider`, async () => {
      await tf.setBackend('cpu');
      const size = findModel(name)!.minInputSize;
      const model = buildBackbone(name, { inputShape: [size, size, 3], alpha });
      randomizeWeights(model);
      const [low, high] = findModel(name)!.preprocess === 'builtin' ? [0, 255] : [-1, 1];
      const x = tf.randomUniform([2, size, size, 3], low, high, 'float32', 7);
      const pixels = x.dataSync() as Float32Array;
      x.dispose();
      const cpu = await createOnnxTrunk(model, { cacheDir, providers: ['cpu'] });
      const gpu = await createOnnxTrunk(model, { cacheDir, providers: ['webgpu'] });
      try {
        expect(gpu.provider).toBe('webgpu');
        const want = await cpu.run(pixels, 2);
        const got = await gpu.run(pixels, 2);
        expect(got.length).toBe(want.length);
        let scale = 0;
        let worst = 0;
        for (let i = 0; i < want.length; i++) {
          scale = Math.max(scale, Math.abs(want[i]!));
          worst = Math.max(worst, Math.abs(want[i]! - got[i]!));
        }
        expect(scale).toBeGreaterThan(1e-2);
        expect(worst / scale).toBeLessThan(TOLERANCE);
      } finally {
        await cpu.dispose();
        await gpu.dispose();
        model.dispose();
      }
    }, 120_000);
  }
});
