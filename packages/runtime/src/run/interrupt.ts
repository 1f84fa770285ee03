// SIGINT and SIGTERM during `tlc run`: a signal that arrives while the run writes an epoch's
// checkpoints, optimizer state and state.json (or the exported model) waits for those writes to
// finish, so the run folder always describes a whole epoch; then, or at once between writes, the
// run says where it stopped and how to resume, and exits 130 (SIGINT) or 143 (SIGTERM).
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof EXIT_CODES;

export class InterruptGuard {
  private writes = 0;
  private pending: Signal | null = null;
  /** The last epoch whose state is on disk, as the message names it. */
  private completed: string | null = null;
  private readonly handlers = new Map<Signal, () => void>();

  constructor(private readonly runDir: string) {
    for (const signal of Object.keys(EXIT_CODES) as Signal[]) {
      const handler = () => this.interrupt(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
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

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
  }

  private interrupt(signal: Signal): void {
    this.pending ??= signal;
    if (this.writes === 0) this.exit(signal);
  }

  private exit(signal: Signal): never {
    const where = this.completed
      ? `interrupted after ${this.completed}; resume with \`tlc run --resume ${this.runDir}\``
      : 'interrupted before the first epoch completed: nothing to resume, start the run again';
    process.stderr.write(`tlc run: ${where}\n`);
    process.exit(EXIT_CODES[signal]);
  }
}
