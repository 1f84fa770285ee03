// `export "PATH" as onnx`: the whole trained model as one ONNX graph (model.onnx) that takes raw
// 0..255 NHWC float32 pixels of the plan's image size and gives class probabilities: the plan's
// preprocessing folded into its input, then the backbone and the head, then the runtime's own
// reading of the output (softmax/sigmoid for a linear head, one sigmoid unit as two columns), so
// onnxruntime anywhere gives what `tlc predict` gives. labels.json and plan.json go beside it; the
// folder is replaced at once, as a tfjs export's is.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { HeadPlan, Plan } from '@tlc/plan';
import { assertModelFolderReplaceable, replaceFolder } from '@tlc/zoo';
import { exportToOnnx, type ExportOptions } from '../onnx/export';
import { inputTransformFor } from '../onnx/preprocess';
import { LABELS_JSON, PLAN_JSON } from './export';

export const MODEL_ONNX = 'model.onnx';

/** How the head's raw output becomes probabilities, as train/loss.ts's `probabilities` reads it. */
export function probabilitiesOption(head: HeadPlan): NonNullable<ExportOptions['probabilities']> {
  const activation = head.outputActivation !== 'linear' ? 'none' : head.outputUnits === 1 ? 'sigmoid' : 'softmax';
  return { activation, twoColumns: head.outputUnits === 1 };
}

/** The ONNX bytes of the whole classifier for `plan`: raw pixels in, probabilities out. */
export function classifierToOnnx(model: tf.LayersModel, plan: Plan): Uint8Array {
  const channels = plan.model.inputShape[2];
  return exportToOnnx(model, { inputTransform: inputTransformFor(plan.preprocess, channels), probabilities: probabilitiesOption(plan.head) });
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
