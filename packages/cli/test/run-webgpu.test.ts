// `tlc run` and the GPU, through the real binary (the process must exit by itself, which
// dawn.node prevents while the GPU is held): with the Vulkan loader pointed at nothing the run
// works as before and says why WebGPU was not used; with --backend webgpu a pipeline trains on
// the adapter (on CI, Mesa's lavapipe) and the run prints it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeImageFolder } from '../../runtime/test/run/fixtures';
import { webgpuTestsRun } from '../../runtime/test/backend/webgpu-adapter';
import { spawnTlc } from './tlc';

const SOURCE = `pipeline "gpu"

data "data" {
  image 32x32 grayscale
  validation 25% seed 7
  batch 8
}

use MobileNet alpha 0.25 weights none freeze none cut after block3
preprocess rescale 1/255
head dense 2

train {
  epochs 1
  optimizer adam lr 1e-2
}

evaluate validation
`;

let dir: string;

beforeAll(async () => {
  dir = tempDir('cli-gpu');
  await writeImageFolder(path.join(dir, 'data'), 8);
  writeFileSync(path.join(dir, 'gpu.tl'), SOURCE);
});

describe('tlc run and WebGPU', () => {
  it('runs unchanged when the Vulkan loader finds no driver, and says why WebGPU was not used', () => {
    const result = spawnTlc(['run', 'gpu.tl', '--out', 'no-vulkan', '--json'], dir, { VK_ICD_FILENAMES: '/nonexistent' });
    expect(result.stderr).toMatch(/^backend: wasm/m);
    // Where the machine has no GPU device file, auto does not even ask Dawn (it could only offer a
    // fallback adapter); where it has one, Dawn finds no adapter through the missing driver.
    expect(result.stderr).toMatch(/webgpu \((no WebGPU adapter|the only adapter is a fallback \(software\) one at best)/);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!).backend).toBe('wasm');
  }, 120_000);

  it.runIf(webgpuTestsRun)('--backend webgpu trains on the adapter, prints it, and exits', () => {
    const result = spawnTlc(['run', 'gpu.tl', '--out', 'webgpu', '--backend', 'webgpu', '--trunk', 'tfjs', '--json'], dir);
    expect(result.stderr).toMatch(/^backend: webgpu: WebGPU \(Dawn\) on .*adapter /m);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(summary.backend).toBe('webgpu');
    expect(summary.evaluation.confusion).toHaveLength(2);
  }, 300_000);
});
