// A reader that goes away: `tlc run … | head -1`, a pager quit early, a terminal closed. Node
// ignores SIGPIPE, so each write to the closed pipe fails with EPIPE, reported as an 'error' event
// that, unhandled, crashes the process with a stack dump. Here a closed stdout or stderr is
// noticed once, further writes to it are dropped, and the command decides what that means
// (see onOutputClosed): by default tlc exits at once with 141 (128 + SIGPIPE, as a Unix tool
// killed by SIGPIPE does), saying nothing; `tlc run` instead stops as an interrupt does, with
// every completed file whole and the run resumable.

export type OutputName = 'stdout' | 'stderr';
type Handler = (closed: OutputName) => void;

/** The exit status of a command stopped by a closed output. */
export const CLOSED_OUTPUT_EXIT = 141;

/** Write errors that mean the reader is gone, not that tlc did something wrong. */
const GONE = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

const closed = new Set<OutputName>();
let installed = false;

/** By default: stdout's reader is gone, so is tlc's purpose; a closed stderr is only quiet. */
function exitAtOnce(name: OutputName): void {
  if (name === 'stdout') process.exit(CLOSED_OUTPUT_EXIT);
}
let handler: Handler = exitAtOnce;

function streamOf(name: OutputName): NodeJS.WriteStream {
  return name === 'stdout' ? process.stdout : process.stderr;
}

function noticeClosed(name: OutputName): void {
  if (closed.has(name)) return;
  closed.add(name);
  // Dropped from now on: a write to a destroyed stream would raise again.
  const stream = streamOf(name);
  stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof stream.write;
  handler(name);
}

/** Listens for a reader going away on stdout and stderr (once per process). */
export function watchOutputs(): void {
  if (installed) return;
  installed = true;
  for (const name of ['stdout', 'stderr'] as const) {
    streamOf(name).on('error', (error: NodeJS.ErrnoException) => {
      if (GONE.has(error.code ?? '')) noticeClosed(name);
      else throw error;
    });
  }
}

/** Whether a reader has gone away from this output. */
export function isClosed(name: OutputName): boolean {
  return closed.has(name);
}

/**
 * While the returned function is not called, a closed output calls `onClosed` instead of exiting
 * at once (for `tlc run`, which stops cleanly and resumably).
 */
export function onOutputClosed(onClosed: Handler): () => void {
  handler = onClosed;
  return () => {
    handler = exitAtOnce;
  };
}

/** Writes a line for people to stderr, or to stdout when stderr's reader is gone (or to neither). */
export function sayToWhoeverListens(line: string): void {
  const name: OutputName = isClosed('stderr') ? 'stdout' : 'stderr';
  if (!isClosed(name)) streamOf(name).write(`${line}\n`);
}
