// Choosing the TensorFlow.js backend a run uses. `auto` takes the fastest one that works here:
// @tensorflow/tfjs-node-gpu when installed and a GPU is visible, else @tensorflow/tfjs-node,
// else WebAssembly, else pure JavaScript. Every skipped candidate is recorded with the reason,
// so the run can say why it is not on the GPU. An explicit request that cannot be met fails
// with instructions instead of silently running elsewhere.
import * as tf from '@tensorflow/tfjs';
import { BackendError } from './errors';
import { probeGpu } from './gpu';
import { importOptional, isInstalled, tfjsPackage } from './optional-module';
import { startWasm } from './wasm';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

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

async function tryCpu(): Promise<Attempt> {
  return (await tf.setBackend('cpu'))
    ? { ok: true, description: 'pure JavaScript (slowest; install a native backend or use wasm)' }
    : { ok: false, reason: 'the pure JavaScript backend failed to initialise' };
}

const CANDIDATES: Record<BackendName, () => Promise<Attempt>> = {
  'tensorflow-gpu': tryGpu,
  tensorflow: tryNode,
  wasm: tryWasm,
  cpu: tryCpu,
};

const ORDER: Record<BackendPreference, BackendName[]> = {
  auto: ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'],
  tensorflow: ['tensorflow-gpu', 'tensorflow'],
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
    const attempt = await CANDIDATES[name]();
    if (attempt.ok) {
      selected = { name, description: attempt.description, tried };
      return selected;
    }
    tried.push({ name, reason: attempt.reason });
  }
  const reasons = tried.map((t) => `  - ${t.name}: ${t.reason}`).join('\n');
  if (preference === 'tensorflow') {
    throw new BackendError('TL4301', `error[TL4301]: the tensorflow backend is not available:\n${reasons}\n${installHelp()}`);
  }
  if (preference === 'auto') {
    throw new BackendError('TL4302', `error[TL4302]: no TensorFlow.js backend could be started:\n${reasons}`);
  }
  throw new BackendError('TL4301', `error[TL4301]: the ${preference} backend could not be started:\n${reasons}\nRun with --backend auto to fall back to another backend.`);
}

/** One line for the start of a run: the backend in use and, briefly, why not a faster one. */
export function describeBackend(): string {
  if (selected === null) return `backend: ${tf.getBackend()} (default, not selected by tlc)`;
  const skipped = selected.tried.length === 0 ? '' : `; not used: ${selected.tried.map((t) => `${t.name} (${t.reason})`).join(', ')}`;
  return `backend: ${selected.name}: ${selected.description}${skipped}`;
}
