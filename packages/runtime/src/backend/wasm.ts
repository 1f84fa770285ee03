// The WebAssembly backend (@tensorflow/tfjs-backend-wasm, a real dependency). Its .wasm binaries
// are read from the installed package's dist folder (setWasmPaths), so nothing is fetched.
// What the package allows in Node, found by reading it: SIMD is detected and used when the
// engine supports it (Node 20 does: the -simd binary loads); threads are not: the package's
// WASM_HAS_MULTITHREAD_SUPPORT flag is false whenever IS_NODE, so setThreadsCount would have
// no effect and XNNPACK runs on one thread.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-kernels/index';

const require = createRequire(import.meta.url);

export interface WasmSetup {
  ok: boolean;
  /** Describes the backend when ok, else why it could not start. */
  detail: string;
}

export async function startWasm(): Promise<WasmSetup> {
  let wasmModule: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasmModule = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    return { ok: false, detail: `@tensorflow/tfjs-backend-wasm failed to load: ${(error as Error).message}` };
  }
  const distFolder = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasmModule.setWasmPaths(distFolder + path.sep);
  const started = await tf.setBackend('wasm');
  if (!started) return { ok: false, detail: `the WebAssembly backend failed to initialise from ${distFolder}` };
  registerWasmTrainingKernels();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = wasmModule.getThreadsCount();
  return {
    ok: true,
    detail: `WebAssembly (XNNPACK${simd ? ', SIMD' : ', no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}: tfjs-backend-wasm has no threads in Node)`,
  };
}
