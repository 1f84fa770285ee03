// What runs a run's frozen trunk (its trunk runtime): `--trunk auto|onnx|tfjs`. auto (the default) puts the
// trunk on onnxruntime when it loads and exports, else leaves it on the tfjs backend and says why;
// onnx insists (a clear error when it cannot); tfjs never tries. The description is the line the
// run prints.
import * as tf from '@tensorflow/tfjs';
import type { PreprocessPlan } from '@tlc/plan';
import { RunError, runtimeMessages } from '../messages';
import { createOnnxTrunk, type OnnxTrunk } from './session';

export type TrunkRuntime = 'auto' | 'onnx' | 'tfjs';
export const TRUNK_RUNTIMES: readonly TrunkRuntime[] = ['auto', 'onnx', 'tfjs'];

export interface StartedTrunk {
  /** The onnxruntime trunk, or null when the trunk stays on tfjs. */
  onnx: OnnxTrunk | null;
  /** E.g. `onnxruntime (cpu provider, graph cached)` or `tfjs (wasm); onnxruntime not used: …`. */
  description: string;
}

/** Starts `trunk` on the runtime `runtime` asks for (see the header). */
export async function startTrunkRuntime(
  trunk: tf.LayersModel,
  runtime: TrunkRuntime,
  options: { cacheDir?: string; preprocess?: PreprocessPlan } = {},
): Promise<StartedTrunk> {
  const onTfjs = `tfjs (${tf.getBackend()})`;
  if (runtime === 'tfjs') return { onnx: null, description: onTfjs };
  try {
    const onnx = await createOnnxTrunk(trunk, { cacheDir: options.cacheDir, preprocess: options.preprocess });
    return { onnx, description: `onnxruntime (${onnx.provider} provider, graph ${onnx.exported ? 'exported' : 'cached'})` };
  } catch (error) {
    const reason = (error as Error).message;
    if (runtime === 'onnx') {
      throw new RunError(runtimeMessages.trunkNotOnOnnx(reason));
    }
    return { onnx: null, description: `${onTfjs}; onnxruntime not used: ${reason}` };
  }
}
