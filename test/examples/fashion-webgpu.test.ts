// The README's main job on the GPU backend, as a user runs it: `tlc run examples/fashion.tl
// --backend webgpu`, every epoch of both stages, on the adapter this machine has (in CI, Mesa's
// lavapipe, a software Vulkan: a few minutes, for correctness, not speed). It must print the
// adapter, finish, and land within 3 points of the same job on wasm with the same seed: WebGPU
// sums in another order than XNNPACK, so the runs are close, not equal.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { webgpuTestsRun } from '../../packages/runtime/test/backend/webgpu-adapter';
import { spawnTlc } from '../../packages/cli/test/tlc';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'tlc-fashion-gpu-'));
const copies = path.join(work, 'examples');
mkdirSync(copies);
symlinkSync(path.join(root, 'examples', 'data'), path.join(copies, 'data'), 'dir');
symlinkSync(path.join(root, 'packages'), path.join(work, 'packages'), 'dir');
copyFileSync(path.join(root, 'examples', 'fashion.tl'), path.join(copies, 'fashion.tl'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Summary {
  backend: string;
  stages: { name: string; epochs: number }[];
  evaluation: { accuracy: number };
}

function run(backend: string): { summary: Summary; stderr: string } {
  const result = spawnTlc(['run', 'fashion.tl', '--backend', backend, '--out', path.join(work, backend), '--json'], copies);
  expect(result.status, result.stderr).toBe(0);
  const lines = result.stdout.trim().split('\n');
  return { summary: JSON.parse(lines[lines.length - 1]) as Summary, stderr: result.stderr };
}

describe.runIf(webgpuTestsRun)('the main job on webgpu', () => {
  it('runs every epoch on the adapter and lands within 3 points of wasm', { timeout: 1_200_000 }, () => {
    const gpu = run('webgpu');
    expect(gpu.stderr).toMatch(/^backend: webgpu: WebGPU \(Dawn\) on .*adapter /m);
    expect(gpu.stderr).toMatch(/trunk engine: onnxruntime \(webgpu provider/);
    expect(gpu.summary.backend).toBe('webgpu');
    expect(gpu.summary.stages.map((s) => [s.name, s.epochs])).toEqual([['train', 3], ['fine-tune', 3]]);

    const cpu = run('wasm');
    expect(cpu.summary.backend).toBe('wasm');
    expect(cpu.summary.evaluation.accuracy).toBeGreaterThan(0.9);
    expect(Math.abs(gpu.summary.evaluation.accuracy - cpu.summary.evaluation.accuracy)).toBeLessThanOrEqual(0.03);
  });
});
