// state.json: where a run stands, committed after every epoch with the files it describes
// (run/epoch-commit.ts: checkpoints/last, best, the optimizer's state, metrics.csv), so
// `tlc run --resume RUN_DIR` continues from the last completed epoch, with the optimizer's state
// kept beside it (checkpoints/optimizer.bin).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recoverFolder } from '@tlc/zoo';
import type { EpochRecord, StageState } from '../engine/engine';
import { writeJsonAtomic } from './atomic';
import { settleEpochSave } from './epoch-commit';
import { RunError, runtimeMessages } from '../messages';
import { RUN_FILES } from './run-folder';

export interface RunState {
  version: 1;
  /** The folder the plan's relative paths are relative to, absolute. */
  baseDir: string;
  /** The run's `--data` and `--epochs`, kept so the resumed run is the same run. */
  data: string | null;
  epochs: number | null;
  /** The stage in progress (or the next one, with completedEpochs 0). */
  stageIndex: number;
  stage: StageState;
  /** Every epoch so far, every stage. */
  records: EpochRecord[];
  /** Images through the trunk per finished stage, by index. */
  trunkImages: number[];
  /** The engine that trains the run, when not the default tfjs (a resumed run keeps it). */
  engine?: { name: 'torch'; nproc: number; device: 'cpu' | 'cuda' };
}

/** Writes state.json alone (an epoch's save commits it with its files: run/epoch-commit.ts). */
export function writeRunState(runDir: string, state: RunState): void {
  writeJsonAtomic(join(runDir, RUN_FILES.state), state);
}

/**
 * The state of the run in `runDir`. An epoch save a kill cut short is completed (committed) or
 * undone (not committed) first, checkpoint folders a kill left mid-swap are put back (the
 * previous save, whole), and each repair is handed to `onRepair` in words.
 */
export function readRunState(runDir: string, onRepair: (note: string) => void = () => {}): RunState {
  if (existsSync(join(runDir, RUN_FILES.state)) || existsSync(join(runDir, RUN_FILES.pending.commit))) settleEpochSave(runDir, onRepair);
  for (const folder of [RUN_FILES.last, RUN_FILES.best, RUN_FILES.model]) {
    const note = recoverFolder(join(runDir, folder));
    if (note) onRepair(note);
  }
  const file = join(runDir, RUN_FILES.state);
  if (!existsSync(file) || !existsSync(join(runDir, RUN_FILES.last, 'model.json'))) {
    throw new RunError(runtimeMessages.nothingToResume(runDir, RUN_FILES.state, RUN_FILES.last));
  }
  let state: RunState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as RunState;
  } catch (error) {
    throw new RunError(runtimeMessages.stateDamaged(file, error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message));
  }
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw new RunError(runtimeMessages.stateDamaged(file, 'not a JSON object'));
  if (state.version !== 1) throw new RunError(runtimeMessages.stateOfAnotherVersion(file));
  return state;
}
