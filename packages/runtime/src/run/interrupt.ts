// Stopping `tlc run` from outside: SIGINT (Ctrl-C), SIGTERM, SIGHUP (the terminal closed), or the
// caller's stop signal (the CLI's: the reader of stdout or stderr went away). The guard is set up
// before the run reads its data, and every loop of the run (decoding, the feature cache, each
// training batch, evaluation) gives the event loop a turn per image or batch (yieldToEvents), so
// a stop takes effect within a batch, in every phase. A stop that arrives while the run writes an
// epoch's checkpoints, optimizer state and state.json (or the exported model) waits for those
// writes to finish, so the run folder always describes a whole epoch; a second stop while it
// waits exits at once (the writes are atomic: at worst the epoch being written is lost). The run
// then says where it stopped and how to resume, and exits 130 (SIGINT), 143 (SIGTERM), 129
// (SIGHUP) or 141 (a closed output, as SIGPIPE would). An epoch cut short is trained again from
// its start by `--resume`, with the same result as a run never interrupted.
import { rmSync } from 'node:fs';

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Signal = keyof typeof SIGNAL_EXIT;
type Reason = Signal | 'closed output';
const EXIT_CODES: Record<Reason, number> = { ...SIGNAL_EXIT, 'closed output': 141 };

export interface InterruptOptions {
  /** Aborted by the caller to stop the run as a signal would (exit 141). */
  stop?: AbortSignal;
  /** Where the last line goes (default: stderr). */
  say?: (line: string) => void;
  /** The command the last line names (default `tlc run`). */
  command?: string;
  /** What the last line says when nothing was saved (default: nothing to resume, start the run again). */
  unsaved?: string;
}

/** Lets pending signal handlers (and any other event) run: a stop is seen between two batches. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class InterruptGuard {
  private writes = 0;
  private pending: Reason | null = null;
  /** The run folder, once there is one. */
  private runDir: string | null = null;
  /** Whether this run made the folder (and may remove it when it stops before any epoch). */
  private created = false;
  /** The last epoch whose state is on disk, as the message names it. */
  private completed: string | null = null;
  private readonly cleanups: (() => void)[] = [];
  private readonly handlers = new Map<Signal, () => void>();
  private readonly onStop = () => this.interrupt('closed output');

  constructor(private readonly options: InterruptOptions = {}) {
    for (const signal of Object.keys(SIGNAL_EXIT) as Signal[]) {
      const handler = () => this.interrupt(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
    if (options.stop?.aborted) this.interrupt('closed output');
    options.stop?.addEventListener('abort', this.onStop);
  }

  /**
   * The run folder the message names, once it exists. A folder this run `created` is removed if
   * the run stops before its first epoch is saved: it holds nothing to resume, and a folder left
   * behind would refuse the same `--out` next time.
   */
  setRunDir(runDir: string, created: boolean): void {
    this.runDir = runDir;
    this.created = created;
  }

  /** Runs `write`; a signal during it takes effect only once it (and every other write) is done. */
  async whileWriting<T>(write: () => Promise<T> | T): Promise<T> {
    this.writes++;
    try {
      return await write();
    } finally {
      this.writes--;
      if (this.pending && this.writes === 0) this.exit(this.pending);
    }
  }

  /** Records that an epoch's state is on disk: a later interruption resumes after it. */
  epochSaved(stage: string, epoch: number): void {
    this.completed = `epoch ${epoch} of stage \`${stage}\``;
  }

  /** Runs `cleanup` if the run is stopped (to remove what only the running process could use). */
  onInterrupt(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.options.stop?.removeEventListener('abort', this.onStop);
  }

  private interrupt(reason: Reason): void {
    if (this.pending && this.writes > 0) this.exit(this.pending, true);
    this.pending ??= reason;
    if (this.writes === 0) this.exit(reason);
  }

  private exit(reason: Reason, again = false): never {
    for (const cleanup of this.cleanups) {
      try {
        cleanup();
      } catch {
        // Best effort: the run is stopping either way.
      }
    }
    let where: string;
    if (again && this.runDir) {
      where = `interrupted again, stopped at once (the epoch being saved may be lost); resume with \`tlc run --resume ${this.runDir}\``;
    } else if (this.completed && this.runDir) {
      where = `interrupted after ${this.completed}; resume with \`tlc run --resume ${this.runDir}\``;
    } else {
      if (this.runDir && this.created) rmSync(this.runDir, { recursive: true, force: true });
      where = this.options.unsaved ?? 'interrupted before the first epoch completed: nothing to resume, start the run again';
    }
    const why = reason === 'closed output' ? 'output closed; ' : '';
    const say = this.options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
    say(`${this.options.command ?? 'tlc run'}: ${why}${where}`);
    process.exit(EXIT_CODES[reason]);
  }
}
