// `export`: the trained model as a tfjs layers model folder (model.json + weights.bin), with
// labels.json (class names by output index) and plan.json (the preprocessing and image size
// `tlc predict` needs): the four files replace the folder at once (the zoo's saveModelToDir).
import type * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import { saveModelToDir } from '@tlc/zoo';

export const LABELS_JSON = 'labels.json';
export const PLAN_JSON = 'plan.json';

export async function exportModel(model: tf.LayersModel, plan: Plan, classNames: string[], dir: string): Promise<void> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await saveModelToDir(model, dir, { [LABELS_JSON]: json(classNames), [PLAN_JSON]: json(plan) });
}
