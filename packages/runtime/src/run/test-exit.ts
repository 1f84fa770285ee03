// A test hook, inert unless TLC_TEST_EXIT_AT is set: `TLC_TEST_EXIT_AT=POINT:EPOCH` (EPOCH as
// `stage/epoch`, e.g. `train/2`, or `end/train` for a stage's end) makes the process SIGKILL itself
// at that named point of the run folder's saves, so tests can kill a real `tlc run` exactly there
// (run/epoch-commit.ts names the points).
export function testExitPoint(point: string, epoch: string): void {
  const at = process.env.TLC_TEST_EXIT_AT;
  if (!at || at !== `${point}:${epoch}`) return;
  process.kill(process.pid, 'SIGKILL');
}
