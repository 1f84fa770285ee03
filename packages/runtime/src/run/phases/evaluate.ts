// Phase 6, evaluate: the trained model on the images `evaluate` names (the validation split, or
// another labelled folder), written to evaluation.json.
import { join, relative, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import type { ImageDataset } from '../../data/dataset';
import { decodeOptionsOf, loadLabelledFolder } from '../../data/load';
import { evaluateModel, type Evaluation } from '../../evaluate/evaluate';
import { extraMetricsText } from '../../evaluate/metrics';
import { LiveFeatures } from '../../features/live';
import { TrunkRunner } from '../../features/trunk';
import { writeJsonAtomic } from '../atomic';
import type { RunContext } from '../context';
import { pixelSource } from '../pixels';
import type { RunLog } from '../progress';
import { RUN_FILES } from '../run-folder';
import type { RunData } from './data';
import { resolvedBatch } from '../batch-size';

/** The evaluation, or null when the plan has none or there is nothing to evaluate on. */
export async function evaluateRun(run: RunContext, model: tf.LayersModel, data: RunData): Promise<Evaluation | null> {
  const { plan, options, log, runDir } = run;
  if (!plan.evaluate) return null;
  const dataset = await evaluationSet(plan, data, options.baseDir, log);
  const on = plan.evaluate.on === 'validation' ? 'validation' : plan.evaluate.directory ?? '';
  if (!dataset || dataset.size === 0) {
    log.line('evaluate: no validation images to evaluate on (the plan has no validation split)');
    return null;
  }
  const batchSize = resolvedBatch(plan.stages[0]?.batchSize ?? data.plan.batchSize);
  const source = new LiveFeatures(pixelSource(dataset, { batchSize, shuffle: false, seed: data.plan.seed, augment: null }), new TrunkRunner(null, plan.preprocess));
  const files = dataset.files.map((f) => relative(options.baseDir, f));
  const tta = plan.evaluate.tta ?? 'none';
  const evaluation = await evaluateModel(model, plan.head, source, files, data.loaded.classes, on, tta);
  writeJsonAtomic(join(runDir, RUN_FILES.evaluation), evaluation);
  const gain = evaluation.accuracyWithoutTta === null ? '' : `, with flips; ${(evaluation.accuracyWithoutTta * 100).toFixed(1)}% without`;
  log.line(`evaluation on ${on}: accuracy ${(evaluation.accuracy * 100).toFixed(1)}%${gain}, ${extraMetricsText(evaluation)} (${evaluation.images} images, ${evaluation.misclassified.length} misclassified)`);
  return evaluation;
}

/** The images `evaluate` names: the validation set, or another labelled folder. */
async function evaluationSet(plan: Plan, data: RunData, baseDir: string, log: RunLog): Promise<ImageDataset | null> {
  if (plan.evaluate?.on !== 'directory') return data.loaded.validation;
  const dir = resolve(baseDir, plan.evaluate.directory ?? '');
  const { dataset, warnings } = await loadLabelledFolder(dir, data.loaded.classes, { ...decodeOptionsOf(data.plan), onBadImage: data.plan.onBadImage, role: 'evaluation folder' });
  warnings.forEach((w) => log.line(`warning: ${w}`));
  return dataset;
}
