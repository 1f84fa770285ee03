// Phase 2, data: the plan's data statement (or `--data DIR` for a model spec) scanned, split and
// decoded, every bad image found before any training; the head (TL4001), the class weights
// (TL2030) and a labels file's label counts (TL4115) checked against the classes found, before
// any decoding.
import { resolve } from 'node:path';
import type { DataPlan, Plan } from '@tlc/plan';
import { specDataPlan } from '@tlc/plan';
import { loadData, type LoadedData } from '../../data/load';
import type { ImageItem } from '../../data/scan';
import { isMultiLabel } from '../../train/loss';
import { checkHeadFitsClasses } from '../../model/assemble';
import { checkClassWeightNames } from '../../train/class-weights';
import type { RunOptions } from '../context';
import { RunError, runtimeMessages } from '../../messages';
import type { RunLog } from '../progress';

export interface RunData {
  /** The data statement the run uses (its directory absolute). */
  plan: DataPlan;
  loaded: LoadedData;
}

export async function loadRunData(plan: Plan, options: RunOptions, log: RunLog): Promise<RunData> {
  const data = dataPlan(plan, options);
  // The head and the class weights against the class folders, before decoding a single image.
  const onClasses = (classes: string[], items: readonly ImageItem[]) => {
    checkHeadFitsClasses(plan, classes, data.labels?.path ?? null);
    checkClassWeightNames(plan.stages, classes);
    checkLabelsFitHead(plan, data, items);
  };
  // The torch engine's trainer decodes the training images itself from the file list: here they
  // are only checked for bad files (`on bad image`), their pixels not kept.
  const trainingPixels = options.engine !== 'torch';
  const loaded = await loadData(data, options.baseDir, { onClasses, memoryShare: options.memoryShare, pixelCacheDir: options.pixelCacheDir, trainingPixels });
  loaded.warnings.forEach((w) => log.line(`warning: ${w}`));
  if (loaded.streamed) log.line(loaded.streamed);
  log.line(`data: ${loaded.training.size} training images, ${loaded.validation?.size ?? 0} validation images, classes ${loaded.classes.join(', ')}`);
  const { storedShape: stored, shape } = loaded.training;
  if (data.augment?.randomCrop) {
    const [lo, hi] = data.augment.randomCrop.scale;
    log.line(`random crop: training images decoded${trainingPixels ? '' : ' by the trainer'} at ${stored.height}x${stored.width} (windows of ${lo}..${hi} of the area resized to ${shape.height}x${shape.width}), validation at ${shape.height}x${shape.width}`);
  }
  return { plan: data, loaded };
}

/**
 * TL4115: a labels file that gives some image several labels, or none, with a head that predicts
 * one class per image (softmax, or one sigmoid unit): it would train on the first label alone.
 */
function checkLabelsFitHead(plan: Plan, data: DataPlan, items: readonly ImageItem[]): void {
  if (isMultiLabel(plan.head) || !data.labels) return;
  const odd = items.filter((item) => item.labels !== undefined && item.labels.length !== 1);
  if (odd.length === 0) return;
  const examples = odd.slice(0, 3).map((item) => `${item.relativePath}: ${item.labels!.length === 0 ? 'no label' : `${item.labels!.length} labels`}`);
  const spaced = data.labels.separator === ' ' && odd.some((item) => item.labels!.length > 1);
  throw new RunError(runtimeMessages.severalLabelsForSingleLabelHead(data.labels.path, examples, plan.head.outputActivation, plan.head.outputUnits, spaced));
}

/** The plan's data statement, or one made from `--data` for a model spec without data. */
export function dataPlan(plan: Plan, options: RunOptions): DataPlan {
  const directory = options.data ? resolve(options.data) : plan.data ? resolve(options.baseDir, plan.data.directory) : null;
  if (directory === null) {
    throw new RunError(runtimeMessages.specWithoutData());
  }
  if (plan.data) return { ...plan.data, directory };
  // A model spec: what `data "DIR"` would compile to, batched as its first stage says.
  const spec = specDataPlan(plan, directory);
  return { ...spec, batchSize: plan.stages[0]?.batchSize ?? spec.batchSize };
}
