// Phase 2, data: the plan's data statement (or `--data DIR` for a model spec) scanned, split and
// decoded, every bad image found before any training; the head checked against the classes
// found (TL4001).
import { resolve } from 'node:path';
import type { DataPlan, Plan } from '@tlc/plan';
import { specDataPlan } from '@tlc/plan';
import { loadData, type LoadedData } from '../../data/load';
import { checkHeadFitsClasses } from '../../model/assemble';
import type { RunOptions } from '../context';
import { RunError } from '../errors';
import type { RunLog } from '../progress';

export interface RunData {
  /** The data statement the run uses (its directory absolute). */
  plan: DataPlan;
  loaded: LoadedData;
}

export async function loadRunData(plan: Plan, options: RunOptions, log: RunLog): Promise<RunData> {
  const data = dataPlan(plan, options);
  const loaded = await loadData(data, options.baseDir);
  loaded.warnings.forEach((w) => log.line(`warning: ${w}`));
  checkHeadFitsClasses(plan, loaded.classes);
  log.line(`data: ${loaded.training.size} training images, ${loaded.validation?.size ?? 0} validation images, classes ${loaded.classes.join(', ')}`);
  return { plan: data, loaded };
}

/** The plan's data statement, or one made from `--data` for a model spec without data. */
function dataPlan(plan: Plan, options: RunOptions): DataPlan {
  const directory = options.data ? resolve(options.data) : plan.data ? resolve(options.baseDir, plan.data.directory) : null;
  if (directory === null) {
    throw new RunError('TL4204', 'the plan has no `data` statement (a model spec): give the image folder with --data DIR');
  }
  if (plan.data) return { ...plan.data, directory };
  // A model spec: what `data "DIR"` would compile to, batched as its first stage says.
  const spec = specDataPlan(plan, directory);
  return { ...spec, batchSize: plan.stages[0]?.batchSize ?? spec.batchSize };
}
