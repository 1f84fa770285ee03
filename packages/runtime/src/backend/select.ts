// Choosing the TensorFlow.js backend a run uses. `auto` takes the fastest one that works here:
// @tensorflow/tfjs-node-gpu when installed and a GPU is visible, else WebGPU on a real
// (hardware) adapter, else @tensorflow/tfjs-node, else WebAssembly, else pure JavaScript. A
// fallback (software) WebGPU adapter is never chosen by `auto`: only `--backend webgpu` uses it. Every skipped candidate is recorded with the reason,
// so the run can say why it is not on the GPU. An explicit request that cannot be met fails
// with instructions instead of silently running elsewhere.
import * as tf from '@tensorflow/tfjs';
import { RunError, runtimeMessages } from '../messages';
import { probeGpu } from './gpu';
import { importOptional, isInstalled, tfjsPackage } from './optional-module';
import { startWasm } from './wasm';
import { releaseWebGpu, startWebGpu } from './webgpu';

export type BackendPreference = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** The backends that run on a GPU (the trunk then goes to a GPU provider too, `batch auto` probes). */
export const GPU_BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'webgpu'];

export interface SelectedBackend {
  name: BackendName;
  description: string;
  /** Candidates tried before this one and why each was not used, in order. */
  tried: { name: string; reason: string }[];
}

/** The version of @tensorflow/tfjs this project is built on; the native packages must match it. */
export const TFJS_VERSION = tf.version.tfjs;

type Attempt = { ok: true; description: string } | { ok: false; reason: string };

let selected: SelectedBackend | null = null;

async function startNative(suffix: 'node-gpu' | 'node', kind: string): Promise<Attempt> {
  const name = tfjsPackage(suffix);
  const loaded = await importOptional(name);
  if (!loaded.ok) return loaded;
  if (tf.findBackendFactory('tensorflow') === null) {
    const version = (loaded.module.version as Record<string, string> | undefined)?.[`tfjs-${suffix}`] ?? 'unknown';
    return {
      ok: false,
      reason: `${name} ${version} registered with another copy of TensorFlow.js; install version ${TFJS_VERSION} to match @tensorflow/tfjs`,
    };
  }
  if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${name} loaded but its backend failed to initialise` };
  return { ok: true, description: `TensorFlow C library through ${name} (${kind})` };
}

async function tryGpu(): Promise<Attempt> {
  const name = tfjsPackage('node-gpu');
  if (!isInstalled(name)) return { ok: false, reason: `${name} is not installed` };
  const gpu = await probeGpu();
  if (!gpu.visible) return { ok: false, reason: `${name} is installed but no GPU is visible: ${gpu.detail}` };
  return startNative('node-gpu', `CUDA, ${gpu.detail}`);
}

const tryNode = (): Promise<Attempt> => startNative('node', 'CPU');

async function tryWasm(): Promise<Attempt> {
  const wasm = await startWasm();
  return wasm.ok ? { ok: true, description: wasm.detail } : { ok: false, reason: wasm.detail };
}

async function tryWebGpu(allowFallback: boolean): Promise<Attempt> {
  const webgpu = await startWebGpu(allowFallback);
  return webgpu.ok ? { ok: true, description: webgpu.detail } : { ok: false, reason: webgpu.detail };
}

async function tryCpu(): Promise<Attempt> {
  return (await tf.setBackend('cpu'))
    ? { ok: true, description: 'pure JavaScript (slowest; install a native backend or use wasm)' }
    : { ok: false, reason: 'the pure JavaScript backend failed to initialise' };
}

const CANDIDATES: Record<BackendName, (preference: BackendPreference) => Promise<Attempt>> = {
  'tensorflow-gpu': tryGpu,
  webgpu: (preference) => tryWebGpu(preference === 'webgpu'),
  tensorflow: tryNode,
  wasm: tryWasm,
  cpu: tryCpu,
};

const ORDER: Record<BackendPreference, BackendName[]> = {
  auto: ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'],
  tensorflow: ['tensorflow-gpu', 'tensorflow'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

function installHelp(): string {
  return [
    // pnpm-workspace.yaml already lets both run their install step (it downloads libtensorflow).
    `Install the native backend matching @tensorflow/tfjs ${TFJS_VERSION}, from the repository root:`,
    `  NVIDIA GPU (CUDA 11.2 and cuDNN 8.1 installed): pnpm --filter @tlc/runtime add @tensorflow/tfjs-node-gpu@${TFJS_VERSION}`,
    `  CPU only:                                   pnpm --filter @tlc/runtime add @tensorflow/tfjs-node@${TFJS_VERSION}`,
    `Or run with --backend auto (uses WebAssembly here) or --backend wasm.`,
  ].join('\n');
}

/** Starts the backend a run asked for and remembers it for describeBackend(). */
export async function selectBackend(preference: BackendPreference): Promise<SelectedBackend> {
  const tried: SelectedBackend['tried'] = [];
  for (const name of ORDER[preference]) {
    const attempt = await CANDIDATES[name](preference);
    if (attempt.ok) {
      selected = { name, description: attempt.description, tried };
      return selected;
    }
    tried.push({ name, reason: attempt.reason });
  }
  const reasons = tried.map((t) => `  - ${t.name}: ${t.reason}`).join('\n');
  if (preference === 'tensorflow') {
    throw new RunError(runtimeMessages.backendNotInstalled('tensorflow', reasons, installHelp()));
  }
  if (preference === 'auto') {
    throw new RunError(runtimeMessages.noBackend(reasons));
  }
  throw new RunError(runtimeMessages.backendFailed(preference, reasons));
}

/** The backend selectBackend() started, or null before any. */
export function selectedBackend(): SelectedBackend | null {
  return selected;
}

/**
 * Frees what the backend holds outside the JavaScript heap that would keep the process alive
 * (dawn.node's GPU instance): called when a command is done with TensorFlow.js.
 */
export function releaseBackend(): void {
  releaseWebGpu();
  selected = null;
}

/** One line for the start of a run: the backend in use and, briefly, why not a faster one. */
export function describeBackend(): string {
  if (selected === null) return `backend: ${tf.getBackend()} (default, not selected by tlc)`;
  const skipped = selected.tried.length === 0 ? '' : `; not used: ${selected.tried.map((t) => `${t.name} (${t.reason})`).join(', ')}`;
  return `backend: ${selected.name}: ${selected.description}${skipped}`;
}
