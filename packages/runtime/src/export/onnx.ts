// `export "PATH" as onnx`: the whole trained model as one ONNX graph (model.onnx) that takes raw
// 0..255 NHWC float32 pixels of the plan's image size and gives class probabilities: the plan's
// preprocessing folded into its input, then the backbone and the head, then the runtime's own
// reading of the output (softmax/sigmoid for a linear head, one sigmoid unit as two columns), so
// onnxruntime anywhere gives what `tlc predict` gives. labels.json and plan.json go beside it; the
// folder is replaced at once, as a tfjs export's is. `tlc predict` opens such a folder too.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import type { HeadPlan, Plan } from '@tlc/plan';
import { assertModelFolderReplaceable, MODEL_ONNX, replaceFolder } from '@tlc/zoo';
import { prefetchForSyncReads } from '../backend/sync-reads';
import { cachedGraph, defaultGraphCacheDir } from '../onnx/cache';
import { exportToOnnx, ONNX_INPUT, ONNX_PROBABILITIES, type ExportOptions } from '../onnx/export';
import { defaultProviders, openOnnxSession } from '../onnx/session';
import { inputTransformFor } from '../onnx/preprocess';
import { LABELS_JSON, PLAN_JSON } from './export';

export { MODEL_ONNX };

/** How the head's raw output becomes probabilities, as train/loss.ts's `probabilities` reads it. */
export function probabilitiesOption(head: HeadPlan): NonNullable<ExportOptions['probabilities']> {
  const activation = head.outputActivation !== 'linear' ? 'none' : head.outputUnits === 1 ? 'sigmoid' : 'softmax';
  return { activation, twoColumns: head.outputUnits === 1 };
}

/** How the whole classifier for `plan` is exported: raw pixels in, probabilities out. */
function classifierOptions(plan: Plan): ExportOptions {
  const channels = plan.model.inputShape[2];
  return { inputTransform: inputTransformFor(plan.preprocess, channels), probabilities: probabilitiesOption(plan.head) };
}

/** The ONNX bytes of the whole classifier for `plan`: raw pixels in, probabilities out. */
export function classifierToOnnx(model: tf.LayersModel, plan: Plan): Uint8Array {
  return exportToOnnx(model, classifierOptions(plan));
}

export async function exportOnnxModel(model: tf.LayersModel, plan: Plan, classNames: string[], dir: string): Promise<void> {
  const target = resolve(dir);
  const files: Record<string, string | Uint8Array> = {
    [MODEL_ONNX]: classifierToOnnx(model, plan),
    [LABELS_JSON]: `${JSON.stringify(classNames, null, 2)}\n`,
    [PLAN_JSON]: `${JSON.stringify(plan, null, 2)}\n`,
  };
  assertModelFolderReplaceable(target, Object.keys(files));
  await replaceFolder(target, async (staged) => {
    for (const [name, data] of Object.entries(files)) await writeFile(join(staged, name), data);
  });
}

/** An exported model.onnx opened for `tlc predict`: raw pixels in, class probabilities out. */
export class OnnxClassifier {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async open(file: string): Promise<OnnxClassifier> {
    return new OnnxClassifier(await ort.InferenceSession.create(file));
  }

  /**
   * A tfjs classifier as the same ONNX graph `export … as onnx` writes, cached like a trunk's
   * (`$TLC_HOME/onnx`, keyed by architecture and weights), on the trunk's providers: what
   * `tlc predict` runs a tfjs model on. Throws when the model does not export.
   */
  static async fromModel(model: tf.LayersModel, plan: Plan, cacheDir = defaultGraphCacheDir()): Promise<OnnxClassifier> {
    await prefetchForSyncReads(model.weights.map((w) => w.read()));
    const { path } = cachedGraph(model, classifierOptions(plan), cacheDir);
    const { session } = await openOnnxSession(path, defaultProviders());
    return new OnnxClassifier(session);
  }

  /** Probabilities per image of a [n, height, width, channels] batch of 0..255 pixels. */
  async probabilities(pixels: tf.Tensor4D): Promise<number[][]> {
    const [n, h, w, c] = pixels.shape;
    const result = await this.session.run({ [ONNX_INPUT]: new ort.Tensor('float32', (await pixels.data()) as Float32Array, [n, h, w, c]) });
    const out = result[ONNX_PROBABILITIES]!;
    const columns = Number(out.dims[1]);
    const data = out.data as Float32Array;
    return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * columns, (i + 1) * columns)));
  }

  dispose(): void {
    void this.session.release();
  }
}
