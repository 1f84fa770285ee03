// The WebGPU backend: @tensorflow/tfjs-backend-webgpu on Dawn's Node bindings (the npm package
// `webgpu`, a prebuilt dawn.node; Vulkan on Linux, Metal on macOS, D3D12 on Windows).
//
// The adapter is first probed in a child process: loading a Vulkan driver can print to stderr,
// hang or crash, and none of that may reach a run that ends up on another backend. The probe
// says which adapter Dawn would use (vendor, architecture, driver) and whether it is a fallback
// (software) one such as Mesa's lavapipe, which `auto` never picks. Only then is dawn.node
// loaded in this process: `navigator.gpu` and the WebGPU constants (GPUBufferUsage...) are set
// before the tfjs backend module is imported, since it checks for them when it loads.
//
// `auto` skips the probe (a child Node process loading Dawn and the Vulkan drivers, about half a
// second) where a cheap look settles it: on Linux a hardware adapter needs a GPU device file
// (/dev/dri/*, /dev/nvidia*, /dev/dxg), and without one Dawn could only offer a fallback adapter,
// which `auto` never takes anyway.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { watchDeviceErrors } from './webgpu-errors';

const require = createRequire(import.meta.url);

export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  /** The driver's own description (on Vulkan: the device name and driver version). */
  description: string;
  /** A software or otherwise degraded adapter (lavapipe, SwiftShader). */
  fallback: boolean;
}

export type WebGpuProbe = { ok: true; adapter: WebGpuAdapter } | { ok: false; reason: string };

/** How to get a Vulkan driver Dawn accepts, for the messages of a failed probe. */
export const VULKAN_DRIVER_HINT =
  'install the GPU vendor\'s Vulkan driver (NVIDIA: the proprietary driver ships its Vulkan ICD); ' +
  'for a software GPU on Debian 12, Mesa 25\'s lavapipe: apt-get install -t bookworm-backports mesa-vulkan-drivers ' +
  '(the project\'s .ci/install-vulkan-driver does it)';

const PROBE_SCRIPT = `
const { create } = await import(process.argv[1]);
const gpu = create([]);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
const info = adapter?.info;
process.stdout.write(JSON.stringify(info ? {
  vendor: info.vendor, architecture: info.architecture, description: info.description,
  fallback: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
} : null) + '\\n');
process.exit(0);
`;

/** Lines of Dawn's and the Vulkan loader's stderr that explain why there is no adapter. */
function probeNoise(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const useful = lines.filter((line) => !/XDG_RUNTIME_DIR/.test(line) && !line.startsWith('- ') && !line.startsWith('at '));
  return useful.slice(0, 2).join('; ').replace(/^Warning:\s*/, '');
}

let probed: Promise<WebGpuProbe> | null = null;

/**
 * Which adapter Dawn would give this process, asked once in a child process (again, uncached,
 * for another environment when `env` is given).
 */
export function probeWebGpu(env?: NodeJS.ProcessEnv): Promise<WebGpuProbe> {
  if (env !== undefined) return probeInChild(env);
  probed ??= probeInChild(process.env);
  return probed;
}

function probeInChild(env: NodeJS.ProcessEnv): Promise<WebGpuProbe> {
  return new Promise((resolve) => {
    let entry: string;
    try {
      entry = pathToFileURL(require.resolve('webgpu')).href;
    } catch {
      resolve({ ok: false, reason: 'the webgpu package is not installed (pnpm install)' });
      return;
    }
    execFile(process.execPath, ['--input-type=module', '-e', PROBE_SCRIPT, entry], { timeout: 30_000, env }, (error, stdout, stderr) => {
      const detail = probeNoise(stderr);
      if (error) {
        const how = error.killed ? 'timed out after 30 s' : error.signal ? `crashed (${error.signal})` : `failed (exit ${error.code})`;
        resolve({ ok: false, reason: `the WebGPU adapter probe ${how}${detail ? `: ${detail}` : ''}` });
        return;
      }
      const adapter = JSON.parse(stdout.trim().split('\n').pop() || 'null') as WebGpuAdapter | null;
      resolve(adapter === null
        ? { ok: false, reason: `no WebGPU adapter${detail ? ` (Dawn: ${detail})` : ''}; ${VULKAN_DRIVER_HINT}` }
        : { ok: true, adapter });
    });
  });
}

/**
 * The GPU device files a hardware adapter would be opened through on Linux: DRM nodes (Mesa's
 * and AMD's Vulkan drivers, Intel, virtio), NVIDIA's device files, WSL's /dev/dxg.
 */
export function gpuDeviceFiles(devDir = '/dev'): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return [
    ...list(`${devDir}/dri`).map((name) => `${devDir}/dri/${name}`),
    ...list(devDir).filter((name) => /^nvidia/.test(name) || name === 'dxg').map((name) => `${devDir}/${name}`),
  ];
}

/**
 * Why no hardware WebGPU adapter can exist here, known without asking Dawn (Linux, no GPU
 * device file), or null when only the probe can tell.
 */
export function noHardwareAdapter(platform: NodeJS.Platform = process.platform, devDir = '/dev'): string | null {
  if (platform !== 'linux' || gpuDeviceFiles(devDir).length > 0) return null;
  return `the only adapter is a fallback (software) one at best, slower than the CPU backends: no GPU device file (${devDir}/dri, ${devDir}/nvidia*, ${devDir}/dxg); --backend webgpu uses it anyway`;
}

/** "vendor architecture (driver description)" for the backend line. */
export function describeAdapter(adapter: WebGpuAdapter): string {
  const name = [adapter.vendor, adapter.architecture].filter((part) => part !== '').join(' ') || 'unknown vendor';
  return `${name}${adapter.description ? ` (${adapter.description})` : ''}`;
}

export interface WebGpuSetup {
  ok: boolean;
  /** Describes the backend when ok, else why it could not start. */
  detail: string;
}

type Navigator = { gpu?: GPU };

let dawn: typeof import('webgpu') | null = null;

/**
 * Starts tfjs on WebGPU. `allowFallback` false (what `auto` asks) refuses a software adapter,
 * which would be far slower than WebAssembly.
 */
export async function startWebGpu(allowFallback: boolean): Promise<WebGpuSetup> {
  const noHardware = allowFallback ? null : noHardwareAdapter();
  if (noHardware !== null) return { ok: false, detail: noHardware };
  const probe = await probeWebGpu();
  if (!probe.ok) return { ok: false, detail: probe.reason };
  if (probe.adapter.fallback && !allowFallback) {
    return { ok: false, detail: `the only adapter is a fallback (software) one, slower than the CPU backends: ${describeAdapter(probe.adapter)}; --backend webgpu uses it anyway` };
  }
  if (tf.findBackend('webgpu') === null) {
    dawn ??= await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    const global = globalThis as unknown as { navigator?: Navigator };
    if (global.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    const gpu = global.navigator!.gpu ?? dawn.create([]);
    global.navigator!.gpu = gpu;
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return { ok: false, detail: `dawn.node found no adapter in this process, although the probe did: ${describeAdapter(probe.adapter)}` };
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    // The package registered its own factory on import; ours uses the adapter checked above, the
    // same limits tfjs asks for, and watches the device for out-of-memory errors.
    if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    tf.registerBackend('webgpu', () => {
      const backend = new WebGPUBackend(device, adapter.info);
      watchDeviceErrors(device, backend);
      explainSyncReads(backend);
      return backend;
    }, 0);
  }
  if (!(await tf.setBackend('webgpu'))) return { ok: false, detail: 'the WebGPU backend failed to initialise' };
  const kind = probe.adapter.fallback ? 'fallback (software) adapter' : 'adapter';
  return { ok: true, detail: `WebGPU (Dawn) on ${kind} ${describeAdapter(probe.adapter)}` };
}

/** A synchronous read of a GPU tensor fails in Node (no OffscreenCanvas): say what to do instead. */
function explainSyncReads(backend: tf.KernelBackend): void {
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId) => {
    try {
      return readSync(dataId);
    } catch (error) {
      if (!(error instanceof ReferenceError && /OffscreenCanvas/.test(error.message))) throw error;
      throw new Error('dataSync() of a tensor on the GPU: WebGPU in Node reads only asynchronously (await tensor.data(), or prefetchForSyncReads first)');
    }
  };
}

/**
 * Lets the process exit: dawn.node keeps Node's event loop alive while navigator.gpu is
 * referenced. Disposes the tfjs WebGPU backend (its device) and drops the reference.
 */
export function releaseWebGpu(): void {
  if (dawn === null) return;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  const global = globalThis as unknown as { navigator?: Navigator };
  if (global.navigator) delete global.navigator.gpu;
  dawn = null;
}
