// Backend selection as it really runs on this machine: the native TensorFlow packages are
// absent here, so `auto` must fall back to WebAssembly and say why; where they are installed
// (a CUDA machine) the assertions follow what is installed instead.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { describeBackend, selectBackend } from '../../src/backend/index';
import { RunError } from '../../src/messages';
import { webgpuAdapter } from './webgpu-adapter';

const require = createRequire(import.meta.url);
const installed = (name: string): boolean => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};
// A native package, or a hardware WebGPU adapter (a real GPU's Vulkan driver), makes auto pick it instead of wasm.
const fasterThanWasmHere = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu') || (webgpuAdapter !== undefined && !webgpuAdapter.fallback);

async function matMulResult(): Promise<number[]> {
  const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
  return Array.from(await product.data());
}

describe('selectBackend', () => {
  it.skipIf(fasterThanWasmHere)('auto falls back to WebAssembly and records why the native backends were not used', async () => {
    const backend = await selectBackend('auto');
    expect(backend.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // webgpu: no adapter, or only a fallback (software) one here, which auto never takes.
    expect(backend.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    expect(backend.tried[0]!.reason).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(backend.tried[1]!.reason).toMatch(/no WebGPU adapter|fallback \(software\)/);
    expect(backend.tried[2]!.reason).toContain('@tensorflow/tfjs-node is not installed');
    expect(backend.description).toMatch(/WebAssembly/);
    expect(await matMulResult()).toEqual([19, 22, 43, 50]);
    const line = describeBackend();
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^backend: wasm: WebAssembly/);
    expect(line).toContain('tfjs-node is not installed');
  });

  it.skipIf(fasterThanWasmHere)('an explicit tensorflow request fails with install instructions matching tfjs', async () => {
    const error = await selectBackend('tensorflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    const { code, message, help } = error as RunError;
    expect(code).toBe('TL4301');
    expect(message).toContain('the tensorflow backend is not available');
    expect(help).toContain(`pnpm --filter @tlc/runtime add @tensorflow/tfjs-node-gpu@${tf.version.tfjs}`);
    expect(help).toContain(`@tensorflow/tfjs-node@${tf.version.tfjs}`);
    // The workspace already allows their install scripts: the help must not send the user to add them.
    expect(readFileSync(new URL('../../../../pnpm-workspace.yaml', import.meta.url), 'utf8')).toMatch(/onlyBuiltDependencies:[^]*"@tensorflow\/tfjs-node-gpu"/);
    expect(help).not.toContain('onlyBuiltDependencies');
    expect(help).toContain('--backend auto');
  });

  it.runIf(fasterThanWasmHere)('an explicit tensorflow request starts the native backend where it is installed', async () => {
    const backend = await selectBackend('tensorflow');
    expect(['tensorflow', 'tensorflow-gpu']).toContain(backend.name);
    expect(tf.getBackend()).toBe('tensorflow');
    expect(await matMulResult()).toEqual([19, 22, 43, 50]);
  });

  it('wasm and cpu can be asked for explicitly and compute correctly', async () => {
    const wasm = await selectBackend('wasm');
    expect(wasm).toMatchObject({ name: 'wasm', tried: [] });
    expect(await matMulResult()).toEqual([19, 22, 43, 50]);
    const cpu = await selectBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', tried: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect(await matMulResult()).toEqual([19, 22, 43, 50]);
    expect(describeBackend()).toMatch(/^backend: cpu: pure JavaScript/);
  });
});
