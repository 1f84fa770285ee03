// An epoch's save as one commit. The epoch's files are first written beside the committed ones
// (checkpoints/last-next/, best-next/, optimizer-next.bin, metrics-next.csv); then
// checkpoints/commit.json, the run's next state.json, is written atomically: that single rename
// is the commit. Only then are the staged files moved over the committed ones and commit.json
// renamed to state.json, last. A kill (or a failed write) before the commit leaves the previous
// epoch whole (the staged files are removed when the run is resumed); a kill after it is
// completed by the resume (settleEpochSave), which redoes the moves still to do: checkpoints/last,
// best, the optimizer's state, metrics.csv and state.json always describe the same epoch.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recoverFolder } from '@tlc/zoo';
import { writeJsonAtomic } from './atomic';
import { RUN_FILES } from './run-folder';
import { testExitPoint } from './test-exit';

/** The staged file of each committed one, in the order they are moved into place. */
const MOVES: readonly { staged: string; committed: string; folder: boolean }[] = [
  { staged: RUN_FILES.pending.last, committed: RUN_FILES.last, folder: true },
  { staged: RUN_FILES.pending.best, committed: RUN_FILES.best, folder: true },
  { staged: RUN_FILES.pending.optimizer, committed: RUN_FILES.optimizer, folder: false },
  { staged: RUN_FILES.pending.metrics, committed: RUN_FILES.metrics, folder: false },
];

/** Commits the staged epoch: `state` becomes state.json, the staged files the committed ones. */
export function commitEpochSave(runDir: string, state: unknown, epoch: string): void {
  testExitPoint('before-commit', epoch);
  writeJsonAtomic(join(runDir, RUN_FILES.pending.commit), state);
  testExitPoint('after-commit', epoch);
  applyCommit(runDir, epoch);
}

function applyCommit(runDir: string, epoch: string | null): void {
  for (const { staged, committed, folder } of MOVES) {
    const from = join(runDir, staged);
    if (!existsSync(from)) continue;
    const to = join(runDir, committed);
    if (folder) {
      // As zoo's replaceFolder: the old folder renamed aside (a name recoverFolder knows), the new
      // one renamed into place, the old one removed.
      const aside = join(runDir, RUN_FILES.checkpoints, `.${committed.split(/[\\/]/).pop()}.${process.pid}.${Date.now().toString(16)}.old`);
      if (existsSync(to)) renameSync(to, aside);
      renameSync(from, to);
      rmSync(aside, { recursive: true, force: true });
    } else {
      renameSync(from, to);
    }
    if (epoch) testExitPoint(`after-move-${committed.split(/[\\/]/).pop()}`, epoch);
  }
  renameSync(join(runDir, RUN_FILES.pending.commit), join(runDir, RUN_FILES.state));
}

/**
 * Before a resume reads the run folder: completes an epoch save that was committed (commit.json
 * written) but not applied, or removes one that was not committed. Says what it did to `onRepair`.
 */
export function settleEpochSave(runDir: string, onRepair: (note: string) => void): void {
  if (existsSync(join(runDir, RUN_FILES.pending.commit))) {
    applyCommit(runDir, null);
    onRepair(`${runDir}: the last epoch's save was interrupted after it was committed; it was completed`);
    return;
  }
  let removed = false;
  for (const { staged } of MOVES) {
    const path = join(runDir, staged);
    for (const note of [recoverFolder(path)]) if (note) removed = true;
    if (existsSync(path)) {
      rmSync(path, { recursive: true, force: true });
      removed = true;
    }
  }
  if (removed) onRepair(`${runDir}: the save of an epoch was interrupted before it was committed; the run continues from the epoch before it`);
}
