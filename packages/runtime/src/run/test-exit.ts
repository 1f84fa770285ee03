// A test hook, inert unless TLC_TEST_EXIT_AT is set: `TLC_TEST_EXIT_AT=POINT:EPOCH` (EPOCH as
// `stage/epoch`, e.g. `train/2`, or `end/train` for a stage's end; `POINT` alone: its first time)
// makes the process SIGKILL itself at that named point of the run folder's saves, so tests can kill
// a real `tlc run` exactly there. The points: after-last-checkpoint (staged, phases/stages.ts),
// before-commit, after-commit, after-move-last, -best, -optimizer.bin, -metrics.csv (epoch-commit.ts).
export function testExitPoint(point: string, epoch: string): void {
  const at = process.env.TLC_TEST_EXIT_AT;
  if (!at || (at !== point && at !== `${point}:${epoch}`)) return;
  process.kill(process.pid, 'SIGKILL');
}
