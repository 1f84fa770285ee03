// The frozen trunk on onnxruntime-node: the cached ONNX graph of a tfjs model (or its trunk up to
// a layer) in an InferenceSession, on the CUDA provider when its library is installed; when the
// run's backend is on a GPU, then on the WebGPU provider onnxruntime-node bundles (Dawn, as the
// webgpu backend); else, or when neither starts, on the CPU provider with one intra-op thread per
// core, not spinning.
// Takes and gives flat NHWC float32 batches, as tfjs holds them.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import type { PreprocessPlan } from '@tlc/plan';
import { GPU_BACKENDS, selectedBackend } from '../backend/select';
import { prefetchForSyncReads } from '../backend/sync-reads';
import { cachedGraph, defaultGraphCacheDir } from './cache';
import { exportTarget, ONNX_INPUT, ONNX_OUTPUT } from './export';
import { inputTransformFor } from './preprocess';

export type OnnxProvider = 'cuda' | 'webgpu' | 'cpu';

export interface OnnxTrunkOptions {
  /** End the trunk at this layer instead of the model's output. */
  outputLayer?: string;
  /** Where exported graphs are cached (default `$TLC_HOME/onnx` or `~/.cache/tlc/onnx`). */
  cacheDir?: string;
  /** Providers to try in order (default: CUDA when installed, WebGPU with a GPU backend, then CPU). */
  providers?: OnnxProvider[];
  /** The run's preprocessing, folded into the graph: run() then takes raw 0..255 pixels. */
  preprocess?: PreprocessPlan;
}

export interface OnnxTrunk {
  /** Features for `batch` NHWC images laid out flat in `x` (raw pixels when it preprocesses). */
  run(x: Float32Array, batch: number): Promise<Float32Array>;
  /** True when the graph applies the run's preprocessing itself. */
  preprocesses: boolean;
  /** [height, width, channels] the trunk takes. */
  inputShape: number[];
  /** The shape of one image's features (without the batch). */
  outputShape: number[];
  /** The provider the session runs on. */
  provider: OnnxProvider;
  /** The cached graph file. */
  graphPath: string;
  /** False when the graph came from the cache rather than a fresh export. */
  exported: boolean;
  dispose(): Promise<void>;
}

/** Whether onnxruntime-node's CUDA provider library is installed beside its core library. */
export function cudaProviderInstalled(): boolean {
  const packageDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const binaryDir = join(packageDir, 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(join(binaryDir, 'libonnxruntime_providers_cuda.so'));
}

/** cuda when installed, webgpu when the run's backend is on a GPU, then cpu. */
export function defaultProviders(): OnnxProvider[] {
  const onGpu = GPU_BACKENDS.includes(selectedBackend()?.name ?? 'cpu');
  return [...(cudaProviderInstalled() ? ['cuda' as const] : []), ...(onGpu ? ['webgpu' as const] : []), 'cpu'];
}

/** An InferenceSession on the first provider in `providers` that starts, with one intra-op thread per core. */
export async function openOnnxSession(path: string, providers: OnnxProvider[]): Promise<{ session: ort.InferenceSession; provider: OnnxProvider }> {
  const failures: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        intraOpNumThreads: availableParallelism(),
        graphOptimizationLevel: 'all',
        // Idle pool threads sleep instead of spinning: on a busy machine (sharp decoding beside the
        // trunk, other processes) spinning threads steal the cores the work needs (measured here:
        // about 2x faster without it under load).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      return { session, provider };
    } catch (error) {
      failures.push(`${provider}: ${(error as Error).message}`);
    }
  }
  throw new Error(`onnxruntime could not start the trunk on any provider (${failures.join('; ')})`);
}

/** The model's trunk as an onnxruntime session over its cached ONNX graph. */
export async function createOnnxTrunk(model: tf.LayersModel, options: OnnxTrunkOptions = {}): Promise<OnnxTrunk> {
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const exportOptions = {
    outputLayer: options.outputLayer,
    inputTransform: options.preprocess ? inputTransformFor(options.preprocess, inputShape[2]) : undefined,
  };
  const target = exportTarget(model, exportOptions);
  const outputShape = target.shape.slice(1) as number[];
  // The graph's cache key and export read the weights synchronously.
  await prefetchForSyncReads(model.weights.map((w) => w.read()));
  const { path, exported } = cachedGraph(model, exportOptions, options.cacheDir ?? defaultGraphCacheDir());
  const { session, provider } = await openOnnxSession(path, options.providers ?? defaultProviders());
  const imageSize = inputShape.reduce((a, b) => a * b, 1);
  return {
    inputShape,
    outputShape,
    preprocesses: options.preprocess !== undefined,
    provider,
    graphPath: path,
    exported,
    async run(x, batch) {
      if (x.length !== batch * imageSize) {
        throw new Error(`the trunk takes ${batch} images of [${inputShape}] (${batch * imageSize} values), got ${x.length} values`);
      }
      const results = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', x, [batch, ...inputShape]) });
      return results[ONNX_OUTPUT].data as Float32Array;
    },
    dispose: () => session.release(),
  };
}
