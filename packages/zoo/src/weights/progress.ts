// A one-line progress bar for the terminal, on stderr: `label [#####.....]  48%  12.1/25.3 MB`.
// Generic (bytes or plain counts), drawn only when the stream is a TTY, redrawn at most ten
// times a second, so callers can report progress as often as they like.
export interface ProgressBarOptions {
  /** Where to draw; default process.stderr. Nothing is drawn unless it is a TTY. */
  stream?: NodeJS.WriteStream;
  /** 'bytes' shows sizes in MB; 'count' shows plain numbers. */
  unit?: 'bytes' | 'count';
  /** Width of the bar itself in characters. */
  width?: number;
}

export interface ProgressBar {
  /** Reports progress: `done` out of `total` (total unknown: no bar, just the amount). */
  update(done: number, total?: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

const REDRAW_MS = 100;

export function createProgressBar(label: string, options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? 'count';
  const width = options.width ?? 30;
  const enabled = stream.isTTY === true;
  let lastDraw = 0;
  let drawn = false;
  let last: { done: number; total?: number } = { done: 0 };

  const amount = (n: number) => (unit === 'bytes' ? (n / 1e6).toFixed(1) : String(n));
  const draw = () => {
    const { done, total } = last;
    let line = label;
    if (total !== undefined && total > 0) {
      const fraction = Math.min(1, done / total);
      const filled = Math.round(fraction * width);
      const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
      line += ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}  ${amount(done)}/${amount(total)}`;
    } else {
      line += `  ${amount(done)}`;
    }
    if (unit === 'bytes') line += ' MB';
    stream.write(`\r${line}\x1b[K`);
    drawn = true;
  };

  return {
    update(done, total) {
      last = { done, total };
      if (!enabled) return;
      const now = Date.now();
      if (now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      draw();
    },
    finish() {
      if (!enabled) return;
      draw();
      if (drawn) stream.write('\n');
    },
  };
}
