// A process that holds an InterruptGuard while it "writes" forever (a write that never ends), so
// the test can signal it once (the stop waits for the write) and again (it stops at once). It
// prints `writing` once the write has begun.
import { InterruptGuard } from '../../src/run/interrupt';

const guard = new InterruptGuard();
guard.setRunDir(process.argv[2] ?? '/tmp/run', false);
guard.epochSaved('train', 4);
void guard.whileWriting(async () => {
  process.stdout.write('writing\n');
  await new Promise(() => setInterval(() => {}, 1000));
});
