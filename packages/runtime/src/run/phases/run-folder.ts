// Phase 3, run folder + resume: a new run gets a fresh folder (never one holding files) with its
// plan.json; `--resume RUN_DIR` reads where that folder's run stands (state.json), and runs again
// with the options it started with (its base folder, --data, --epochs and engine), so the resumed run is
// the same run. Both are checked before the data is read (checkRunFolder).
import { join, resolve } from 'node:path';
import type { Plan } from '@tlc/plan';
import { writeJsonAtomic } from '../atomic';
import type { RunOptions } from '../context';
import { readRunState, type RunState } from '../resume';
import type { RunLog } from '../progress';
import { assertRunDirFree, createRunDir, RUN_FILES } from '../run-folder';

/**
 * What must be known of the run folder before any decoding: the state `--resume` names (null
 * without it; checkpoint folders a kill left mid-swap put back first, and said), so the run reads
 * the same data; or, for a new run, that `--out` holds nothing (TL4206).
 */
export function checkRunFolder(options: RunOptions, log: RunLog): { resumed: RunState | null; options: RunOptions } {
  const resumed = options.resume ? readRunState(options.resume, (note) => log.line(`note: ${note}`)) : null;
  if (resumed) {
    // The engine it started with, unless --engine says otherwise (the checkpoints are any engine's).
    const engine = options.engine ?? resumed.engine?.name;
    const torch = engine === 'torch' ? { nproc: options.nproc ?? resumed.engine?.nproc, device: options.device ?? resumed.engine?.device } : {};
    return { resumed, options: { ...options, baseDir: resumed.baseDir, data: resumed.data ?? undefined, epochs: resumed.epochs ?? undefined, engine, ...torch } };
  }
  if (!options.resume && options.out) assertRunDirFree(options.out);
  return { resumed, options };
}

/** The run's folder: the resumed one, or a new one holding the plan. */
export function openRunFolder(plan: Plan, options: RunOptions, resumed: RunState | null): string {
  const runDir = options.resume ? resolve(options.resume) : createRunDir(plan.name, options.baseDir, options.out);
  if (!resumed) writeJsonAtomic(join(runDir, RUN_FILES.plan), plan);
  return runDir;
}
