// A watchdog for the fuzz loop. Timing each call catches slow inputs, but an input that never
// returns blocks the thread that would time it, and vitest's own timeout with it. So the fuzz
// loop marks each input it starts in shared memory, and a worker thread (which the blocked
// thread cannot stop) notices an input still running after `hangMs`, prints it, and kills the
// process: a hang fails the suite naming its input instead of stalling CI.
import { Worker } from 'node:worker_threads';

/** Bytes of an input kept for the report (inputs are far smaller). */
const CAPACITY = 1 << 20;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { state, text, hangMs } = workerData;
let seen = -1;
let since = Date.now();
setInterval(() => {
  const started = Atomics.load(state, 0);
  if (started !== seen || Atomics.load(state, 1) === 0) {
    seen = started;
    since = Date.now();
    return;
  }
  if (Date.now() - since < hangMs) return;
  const input = new TextDecoder().decode(text.slice(0, Atomics.load(state, 2)));
  writeSync(2, 'fuzz watchdog: an input has run for over ' + hangMs + ' ms, stopping the process. The input: ' + JSON.stringify(input) + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 100);
`;

export class Watchdog {
  /** [inputs started, 1 while one runs, its length in bytes] */
  private readonly state = new Int32Array(new SharedArrayBuffer(3 * 4));
  private readonly text = new Uint8Array(new SharedArrayBuffer(CAPACITY));
  private readonly encoder = new TextEncoder();
  private readonly worker: Worker;

  constructor(hangMs: number) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { state: this.state, text: this.text, hangMs } });
    this.worker.unref();
  }

  /** Runs fn on input under the watchdog's eye. */
  watch<T>(input: string, fn: () => T): T {
    const { written } = this.encoder.encodeInto(input, this.text);
    Atomics.store(this.state, 2, written);
    Atomics.add(this.state, 0, 1);
    Atomics.store(this.state, 1, 1);
    try {
      return fn();
    } finally {
      Atomics.store(this.state, 1, 0);
    }
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}
