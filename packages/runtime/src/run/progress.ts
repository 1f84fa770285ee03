// What a person watching a run sees: notes (backend, cache, weights), a progress bar per epoch
// (batches, loss, accuracy, images/s, time left; only on a terminal), one line per epoch, and
// a summary. Lines go to stdout, or to stderr under --json (stdout is then the JSON alone);
// --quiet silences everything but errors.
import type { BatchProgress, EpochRecord } from '../engine/engine';

export interface RunLogOptions {
  quiet?: boolean;
  json?: boolean;
  /** Where lines go (default: stdout, or stderr with json). */
  out?: NodeJS.WritableStream;
  /** Where the bar is drawn (default: stderr); nothing is drawn unless it is a TTY. */
  bar?: NodeJS.WriteStream;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 20;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}

/** An epoch's line; `showLr` (a stage whose schedule moves the rate) adds the rate it ended with, as Keras logs `learning_rate`. */
export function formatEpoch(r: EpochRecord, epochs: number, showLr = false): string {
  const val = r.val_loss === null ? '' : `  val_loss ${r.val_loss.toFixed(4)}  val_acc ${(r.val_accuracy ?? 0).toFixed(3)}`;
  const lr = showLr && r.lr !== undefined ? `  lr ${r.lr.toExponential(2)}` : '';
  return `${r.stage} epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(4)}  acc ${r.accuracy.toFixed(3)}${val}${lr}  ${Math.round(r.imagesPerSecond)} img/s  ${formatDuration(r.seconds)}`;
}

export class RunLog {
  private readonly out: NodeJS.WritableStream | null;
  private readonly bar: NodeJS.WriteStream | null;
  private lastDraw = 0;
  private drawn = false;

  constructor(options: RunLogOptions = {}) {
    this.out = options.quiet ? null : (options.out ?? (options.json ? process.stderr : process.stdout));
    const bar = options.bar ?? process.stderr;
    this.bar = !options.quiet && bar.isTTY ? bar : null;
  }

  line(text: string): void {
    this.clearBar();
    this.out?.write(`${text}\n`);
  }

  batch(p: BatchProgress): void {
    if (!this.bar) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS && p.batch < p.batches) return;
    this.lastDraw = now;
    const fraction = Math.min(1, p.batch / p.batches);
    const filled = Math.round(fraction * BAR_WIDTH);
    const rate = p.images / Math.max(p.seconds, 1e-9);
    const left = (p.seconds / Math.max(p.batch, 1)) * (p.batches - p.batch);
    const text =
      `${p.stage} ${p.epoch}/${p.epochs} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${p.batch}/${p.batches}` +
      ` loss ${p.loss.toFixed(4)} acc ${p.accuracy.toFixed(3)} ${Math.round(rate)} img/s ${formatDuration(left)} left`;
    this.bar.write(`\r${text.slice(0, (this.bar.columns ?? 120) - 1)}\x1b[K`);
    this.drawn = true;
  }

  epoch(record: EpochRecord, epochs: number, showLr = false): void {
    this.line(formatEpoch(record, epochs, showLr));
  }

  private clearBar(): void {
    if (this.drawn && this.bar) this.bar.write('\r\x1b[K');
    this.drawn = false;
  }
}
