// createOnnxTrunk around the graph: the disk cache (keyed by architecture, cut, input size and
// weights; written atomically under $TLC_HOME/onnx; least recently used graphs pruned), the
// provider it reports, the messages a user sees for a batch of the wrong size, an unknown cut
// layer or a layer with no converter, and the --trunk choice (auto falls back to tfjs with the
// reason; onnx refuses).
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildBackbone } from '@tlc/zoo';
import { createOnnxTrunk, cudaProviderInstalled, exportToOnnx, pruneGraphCache, startTrunkRuntime } from '../../src/onnx/index';
import { randomizeWeights } from './random-weights';

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tlc-onnx-trunk-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

function smallModel(): tf.LayersModel {
  const model = buildBackbone('MobileNetV3Small', { inputShape: [32, 32, 3], alpha: 0.75 });
  randomizeWeights(model);
  return model;
}

describe('the graph cache', () => {
  it('exports once, then loads the same file; a changed weight or cut makes a new graph', async () => {
    const model = smallModel();
    const first = await createOnnxTrunk(model, { cacheDir: dir });
    expect(first.exported).toBe(true);
    expect(first.graphPath).toMatch(/[0-9a-f]{64}\.onnx$/);
    expect(readdirSync(dir)).toEqual([first.graphPath.split('/').pop()]); // no temporary file left
    const x = tf.randomUniform([2, 32, 32, 3], 0, 255, 'float32', 3).dataSync() as Float32Array;
    const before = await first.run(x, 2);

    const second = await createOnnxTrunk(model, { cacheDir: dir });
    expect(second.exported).toBe(false);
    expect(second.graphPath).toBe(first.graphPath);
    expect(await second.run(x, 2)).toEqual(before);

    const cut = await createOnnxTrunk(model, { cacheDir: dir, outputLayer: 'expanded_conv_3/project/BatchNorm' });
    expect(cut.exported).toBe(true);
    expect(cut.outputShape).toEqual([2, 2, 32]);

    const kernel = model.getLayer('Conv').getWeights()[0];
    model.getLayer('Conv').setWeights([kernel.mul(2)]);
    const changed = await createOnnxTrunk(model, { cacheDir: dir });
    expect(changed.exported).toBe(true);
    expect(changed.graphPath).not.toBe(first.graphPath);
    expect(await changed.run(x, 2)).not.toEqual(before);
    expect(readdirSync(dir)).toHaveLength(3);
    await Promise.all([first, second, cut, changed].map((t) => t.dispose()));
    model.dispose();
  });

  it('removes the least recently used graphs beyond its size limit, never the one just written', () => {
    const now = Date.now() / 1000;
    ['a', 'b', 'c', 'd'].forEach((name, age) => {
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, new Uint8Array(100));
      utimesSync(path, now - age * 60, now - age * 60); // a is the newest, d the oldest
    });
    writeFileSync(join(dir, 'notes.txt'), 'not a graph');
    pruneGraphCache(dir, 250, join(dir, 'd.onnx'));
    expect(readdirSync(dir).sort()).toEqual(['a.onnx', 'b.onnx', 'd.onnx', 'notes.txt']);
  });

  it('goes under $TLC_HOME/onnx by default', async () => {
    vi.stubEnv('TLC_HOME', dir);
    const model = smallModel();
    const trunk = await createOnnxTrunk(model);
    expect(trunk.graphPath.startsWith(join(dir, 'onnx') + '/')).toBe(true);
    await trunk.dispose();
    model.dispose();
  });
});

describe('the session', () => {
  it('runs on the CUDA provider only when its library is installed, else on the CPU', async () => {
    const model = smallModel();
    const trunk = await createOnnxTrunk(model, { cacheDir: dir });
    expect(trunk.provider).toBe(cudaProviderInstalled() ? 'cuda' : 'cpu');
    expect(trunk.inputShape).toEqual([32, 32, 3]);
    await trunk.dispose();
    model.dispose();
  });

  it('says how many values a batch needs', async () => {
    const model = smallModel();
    const trunk = await createOnnxTrunk(model, { cacheDir: dir });
    await expect(trunk.run(new Float32Array(100), 2)).rejects.toThrow('the trunk takes 2 images of [32,32,3] (6144 values), got 100 values');
    await trunk.dispose();
    model.dispose();
  });
});

describe('what the export refuses, in words', () => {
  it('an unknown cut layer', () => {
    const model = smallModel();
    expect(() => exportToOnnx(model, { outputLayer: 'block_99' })).toThrow('the model has no layer `block_99`');
    model.dispose();
  });

  it('a layer it has no converter for', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: up });
    expect(() => exportToOnnx(model)).toThrow('layer `up` (UpSampling2D) cannot be exported to ONNX');
  });

  it('an input of unknown size', () => {
    const input = tf.input({ shape: [null, null, 3] as unknown as number[] });
    const y = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    expect(() => exportToOnnx(tf.model({ inputs: input, outputs: y }))).toThrow('the ONNX export needs an image input of known size');
  });
});

describe('choosing the trunk runtime (--trunk)', () => {
  function unsupported(): tf.LayersModel {
    const input = tf.input({ shape: [8, 8, 3] });
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(input) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: up });
  }

  it('auto and onnx put an exportable trunk on onnxruntime; tfjs leaves it on the backend', async () => {
    const model = smallModel();
    for (const runtime of ['auto', 'onnx'] as const) {
      const started = await startTrunkRuntime(model, runtime, { cacheDir: dir });
      expect(started.onnx).not.toBeNull();
      expect(started.description).toMatch(/^onnxruntime \((cpu|cuda) provider, graph (exported|cached)\)$/);
      await started.onnx!.dispose();
    }
    expect(await startTrunkRuntime(model, 'tfjs', { cacheDir: dir })).toEqual({ onnx: null, description: 'tfjs (cpu)' });
    model.dispose();
  });

  it('auto falls back to tfjs and says why; onnx refuses with TL4310', async () => {
    const model = unsupported();
    const fallback = await startTrunkRuntime(model, 'auto', { cacheDir: dir });
    expect(fallback.onnx).toBeNull();
    expect(fallback.description).toBe('tfjs (cpu); onnxruntime not used: layer `up` (UpSampling2D) cannot be exported to ONNX');
    await expect(startTrunkRuntime(model, 'onnx', { cacheDir: dir })).rejects.toMatchObject({
      code: 'TL4310',
      message: expect.stringContaining('the frozen trunk cannot run on onnxruntime: layer `up` (UpSampling2D) cannot be exported to ONNX'),
    });
  });
});
