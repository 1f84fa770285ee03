// The GPU probe that decides whether @tensorflow/tfjs-node-gpu is worth loading: it honours
// CUDA_VISIBLE_DEVICES, reports a missing driver, and reads the GPU's name from `nvidia-smi -L`
// (here a stand-in script on PATH prints what the real tool prints, as no GPU is on this machine).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeGpu } from '../../src/backend/gpu';

const saved = { path: process.env.PATH, devices: process.env.CUDA_VISIBLE_DEVICES };

afterEach(() => {
  process.env.PATH = saved.path;
  if (saved.devices === undefined) delete process.env.CUDA_VISIBLE_DEVICES;
  else process.env.CUDA_VISIBLE_DEVICES = saved.devices;
});

async function pathWithNvidiaSmi(output: string, exitCode = 0): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tlc-gpu-probe-'));
  const script = path.join(dir, 'nvidia-smi');
  await fs.writeFile(script, `#!/bin/sh\nprintf '%s' '${output}'\nexit ${exitCode}\n`, { mode: 0o755 });
  return `${dir}${path.delimiter}${saved.path}`;
}

describe('probeGpu', () => {
  it('sees no GPU when CUDA_VISIBLE_DEVICES hides them all', async () => {
    process.env.CUDA_VISIBLE_DEVICES = '-1';
    process.env.PATH = await pathWithNvidiaSmi('GPU 0: NVIDIA H200 (UUID: GPU-1234)\n');
    expect(await probeGpu()).toEqual({ visible: false, detail: 'CUDA_VISIBLE_DEVICES="-1" hides every GPU' });
  });

  it('names the first GPU nvidia-smi lists', async () => {
    delete process.env.CUDA_VISIBLE_DEVICES;
    process.env.PATH = await pathWithNvidiaSmi('GPU 0: NVIDIA H200 (UUID: GPU-1234)\nGPU 1: NVIDIA H200 (UUID: GPU-5678)\n');
    expect(await probeGpu()).toEqual({ visible: true, detail: 'GPU 0: NVIDIA H200' });
  });

  it('sees no GPU when nvidia-smi fails or is missing', async () => {
    delete process.env.CUDA_VISIBLE_DEVICES;
    process.env.PATH = await pathWithNvidiaSmi('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.\n', 9);
    expect(await probeGpu()).toEqual({ visible: false, detail: 'nvidia-smi found no usable GPU' });
    process.env.PATH = await fs.mkdtemp(path.join(os.tmpdir(), 'tlc-empty-path-'));
    expect(await probeGpu()).toEqual({ visible: false, detail: 'no NVIDIA driver (nvidia-smi not found)' });
  });
});
