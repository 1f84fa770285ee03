// Phase 2's first step, before any heavy work (decoding, the model, the run folder): every
// resource the plan needs is checked, each with its TL code, so a run that cannot finish fails in seconds and leaves nothing
// behind. In order, cheapest first:
//   - the data folder, the validation and evaluation folders (TL4101) and the predict folder
//     (TL4201) exist and are folders;
//   - the run folder: a place where it can be made (TL4208; `--out` was checked free, TL4206,
//     just before, by checkRunFolder);
//   - the export path: a folder that can be made or replaced whole, i.e. absent or holding only a
//     saved model, in a writable parent (TL4208);
//   - the weights: `weights "FILE"` present, `weights imagenet` shipped, cached or downloaded now
//     (TL4207 with the URL and where to put the file by hand, when it cannot be had).
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plan } from '@tlc/plan';
import { assertModelFolderReplaceable, WeightsError } from '@tlc/zoo';
import { assertFolder } from '../../data/walk';
import { LABELS_JSON, PLAN_JSON } from '../../export/export';
import { planWeightsFile, type WeightsFileOnDisk } from '../../model/assemble';
import { RunError, runtimeMessages } from '../../messages';
import type { RunOptions } from '../context';
import type { RunLog } from '../progress';
import { safeName } from '../run-folder';
import { dataPlan } from './data';

export interface Preflight {
  /** The weights file, found or downloaded (null for `weights none`). */
  weights: WeightsFileOnDisk | null;
}

/** `options` are the run's own (a resumed run's); `--out` was checked free by checkRunFolder. */
export async function preflight(plan: Plan, options: RunOptions, log: RunLog): Promise<Preflight> {
  const { baseDir } = options;
  const data = dataPlan(plan, options);
  await assertFolder(resolve(baseDir, data.directory), 'data folder');
  if (data.validation.mode === 'directory') await assertFolder(resolve(baseDir, data.validation.directory), 'validation folder');
  if (plan.evaluate?.on === 'directory' && plan.evaluate.directory) await assertFolder(resolve(baseDir, plan.evaluate.directory), 'evaluation folder');
  if (plan.predict) {
    const folder = resolve(baseDir, plan.predict.directory);
    if (!existsSync(folder)) throw new RunError(runtimeMessages.predictFolderMissing(folder));
  }

  if (!options.resume) {
    assertCanMake(options.out ? resolve(options.out) : join(baseDir, 'runs', safeName(plan.name)), 'the run folder');
  }
  if (plan.export) {
    const path = resolve(baseDir, plan.export.path);
    try {
      assertModelFolderReplaceable(path, [LABELS_JSON, PLAN_JSON]);
    } catch (error) {
      if (error instanceof WeightsError) throw new RunError(runtimeMessages.exportFolderNotReplaceable(error.message));
      throw error;
    }
    assertCanMake(path, 'the export folder');
  }

  if (plan.model.weights.source === 'none') return { weights: null };
  const onDownload = (received: number, total: number | undefined) =>
    log.line(`downloading weights: ${(received / 1e6).toFixed(1)}${total ? `/${(total / 1e6).toFixed(1)}` : ''} MB`);
  return { weights: await planWeightsFile(plan, { baseDir, onDownload }) };
}

/** TL4208 unless `path` can be made (or replaced): its nearest existing folder is writable. */
function assertCanMake(path: string, what: string): void {
  // A folder replaced whole is renamed in its parent, so the parent is what must be writable.
  let existing = dirname(path);
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new RunError(runtimeMessages.folderUnderAFile(what, path, existing));
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new RunError(runtimeMessages.folderNotWritable(what, path, existing));
  }
}
