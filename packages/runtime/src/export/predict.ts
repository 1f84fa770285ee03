// `predict`: class probabilities for new images with a trained model (in memory after a run,
// or loaded from an exported folder: model.json + labels.json + plan.json).
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import { loadModelFromDir, modelDirToRead } from '@tlc/zoo';
import { argMax } from '../evaluate/metrics';
import { preprocess } from '../model/preprocess';
import { probabilities } from '../train/loss';
import { RunError } from '../run/errors';
import { LABELS_JSON, PLAN_JSON } from './export';
import { decodeBatch, listInputImages, type ImageShape } from './images';

export interface Prediction {
  file: string;
  label: string;
  probabilities: Record<string, number>;
}

const BATCH = 32;

/** The image size and colour mode a plan's model takes. */
export function planImageShape(plan: Plan): ImageShape {
  const [height, width, channels] = plan.model.inputShape;
  return { height, width, colorMode: channels === 1 ? 'grayscale' : 'rgb' };
}

export async function predictFiles(model: tf.LayersModel, plan: Plan, classNames: string[], paths: string[]): Promise<Prediction[]> {
  const files = await listInputImages(paths);
  const shape = planImageShape(plan);
  const results: Prediction[] = [];
  for (let start = 0; start < files.length; start += BATCH) {
    const chunk = files.slice(start, start + BATCH);
    const pixels = await decodeBatch(chunk, shape);
    const p = tf.tidy(() => probabilities(model.predict(preprocess(pixels, plan.preprocess)) as tf.Tensor, plan.head));
    const rows = (await p.array()) as number[][];
    pixels.dispose();
    p.dispose();
    rows.forEach((row, i) => {
      const best = argMax(row);
      results.push({
        file: relative(process.cwd(), chunk[i]) || chunk[i],
        label: classNames[best],
        probabilities: Object.fromEntries(classNames.map((name, c) => [name, row[c]])),
      });
    });
  }
  return results;
}

export interface ExportedModel {
  model: tf.LayersModel;
  plan: Plan;
  classNames: string[];
}

/**
 * Loads a folder written by `export` (or a run folder's model/); when an export was killed
 * between its two renames, the previous export beside it.
 */
export async function loadExportedModel(given: string): Promise<ExportedModel> {
  const dir = modelDirToRead(given);
  const read = async (name: string) => {
    try {
      return JSON.parse(await readFile(join(dir, name), 'utf8'));
    } catch {
      throw new RunError('TL4202', `${given} is not an exported tlc model (missing or unreadable ${name}); give the folder \`export\` wrote, or a run folder's model/`);
    }
  };
  const plan = (await read(PLAN_JSON)) as Plan;
  const classNames = (await read(LABELS_JSON)) as string[];
  const model = await loadModelFromDir(dir);
  return { model, plan, classNames };
}
