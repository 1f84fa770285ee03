// The WebGPU backend as it really runs here (on CI: Mesa 25's lavapipe, a fallback adapter):
// `--backend webgpu` starts on any adapter and names it, `auto` never takes a fallback one,
// a machine whose Vulkan loader finds no driver still runs, and a device error surfaces as an
// exception on the next read instead of silently wrong numbers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBackend, releaseBackend, selectBackend } from '../../src/backend/index';
import { gpuDeviceFiles, noHardwareAdapter, probeWebGpu } from '../../src/backend/webgpu';
import { RunError, runStage, type FeatureSource } from '../../src/index';
import { stage } from '../run/fixtures';
import { webgpuAdapter, webgpuTestsRun } from './webgpu-adapter';

afterAll(() => releaseBackend());

describe.runIf(webgpuTestsRun)('the webgpu backend', () => {
  it('starts on the adapter the probe found and names it in the backend line', async () => {
    const backend = await selectBackend('webgpu');
    expect(backend.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const line = describeBackend();
    expect(line).toMatch(/^backend: webgpu: WebGPU \(Dawn\) on /);
    expect(line).toContain(webgpuAdapter!.vendor);
    expect(line).toContain(webgpuAdapter!.description);
    expect(line).not.toContain('\n');
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
    expect(Array.from(await product.data())).toEqual([19, 22, 43, 50]);
  });

  it('auto takes WebGPU only on a hardware adapter, and says why not otherwise', async () => {
    const backend = await selectBackend('auto');
    if (webgpuAdapter!.fallback) {
      expect(backend.name).not.toBe('webgpu');
      const skipped = backend.tried.find((t) => t.name === 'webgpu');
      expect(skipped?.reason).toMatch(/fallback \(software\)/);
      expect(describeBackend()).toContain('webgpu (the only adapter is a fallback');
    } else {
      expect(['tensorflow-gpu', 'webgpu']).toContain(backend.name);
    }
  });

  it('releases the device so that the process can exit, and starts again after', async () => {
    await selectBackend('webgpu');
    releaseBackend();
    expect(tf.findBackend('webgpu')).toBeNull();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    await selectBackend('webgpu');
    expect(Array.from(await tf.add(tf.scalar(1), tf.scalar(2)).data())).toEqual([3]);
  });
});

describe.runIf(webgpuTestsRun)('the webgpu device running out of memory', () => {
  it('is TL4205 naming the batch size, and the device works on after it', async () => {
    await selectBackend('webgpu');
    // The batch's features come from a GPU computation (as a frozen trunk's do) whose result,
    // 2^17 x 2^17 floats (64 GiB), the device refuses: WebGPU says so only in an event, which
    // must not be lost, and the step's read of its loss must fail instead.
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(input) as tf.SymbolicTensor });
    const huge: FeatureSource = {
      size: 8,
      async *batches() {
        const x = tf.tidy(() => {
          const column = tf.ones([2 ** 17, 1]);
          return tf.slice(tf.matMul(column, column, false, true), [0, 0], [8, 4]);
        });
        yield { x, labels: new Int32Array(8), indices: [0] };
      },
    };
    const head = { layers: [], outputUnits: 2, outputActivation: 'softmax' as const };
    const error = await runStage({ model, tail: model, head, stage: stage({ epochs: 1 }), train: huge, validation: null, classWeights: null, batchSize: 8 }).catch((e) => e);
    expect(error).toBeInstanceOf(RunError);
    expect(error.code).toBe('TL4205');
    expect(error.message).toMatch(/WebGPU device out of memory/);
    expect(error.message).toMatch(/with batch 8/);
    expect(error.message).toMatch(/`batch 4`/);
    expect(Array.from(await tf.add(tf.scalar(1), tf.scalar(2)).data())).toEqual([3]);
  });
});

describe('no Vulkan driver at all', () => {
  it('the probe reports no adapter, with how to install a driver, instead of failing', async () => {
    const probe = await probeWebGpu({ ...process.env, VK_ICD_FILENAMES: '/nonexistent' });
    expect(probe.ok).toBe(false);
    expect(probe.ok ? '' : probe.reason).toMatch(/no WebGPU adapter.*mesa-vulkan-drivers/);
  });
});

describe('auto without a GPU device file', () => {
  it('rules out a hardware adapter on Linux without probing, and probes where a device file exists or elsewhere', () => {
    const dev = mkdtempSync(join(tmpdir(), 'tlc-dev-'));
    try {
      mkdirSync(join(dev, 'shm'));
      writeFileSync(join(dev, 'null'), '');
      expect(gpuDeviceFiles(dev)).toEqual([]);
      expect(noHardwareAdapter('linux', dev)).toMatch(/^the only adapter is a fallback \(software\) one at best.*no GPU device file.*--backend webgpu uses it anyway$/);
      expect(noHardwareAdapter('darwin', dev)).toBeNull();
      for (const file of ['nvidia0', 'dxg', 'dri/renderD128']) {
        mkdirSync(dirname(join(dev, file)), { recursive: true });
        writeFileSync(join(dev, file), '');
        expect(noHardwareAdapter('linux', dev)).toBeNull();
        rmSync(join(dev, file));
      }
      expect(gpuDeviceFiles(dev)).toEqual([]);
    } finally {
      rmSync(dev, { recursive: true, force: true });
    }
  });
});
