// `export`: the trained model as a tfjs layers model folder (model.json + weights.bin, written
// atomically by the zoo), with labels.json (class names by output index) and plan.json (the
// preprocessing and image size `tlc predict` needs).
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import { saveModelToDir } from '@tlc/zoo';
import { writeJsonAtomic } from '../run/atomic';

export const LABELS_JSON = 'labels.json';
export const PLAN_JSON = 'plan.json';

export async function exportModel(model: tf.LayersModel, plan: Plan, classNames: string[], dir: string): Promise<void> {
  await saveModelToDir(model, dir);
  writeJsonAtomic(join(dir, LABELS_JSON), classNames);
  writeJsonAtomic(join(dir, PLAN_JSON), plan);
}
