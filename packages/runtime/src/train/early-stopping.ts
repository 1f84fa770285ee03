// Tracks a monitored metric across epochs: whether it improved (by more than minDelta), the best
// epoch so far, and when patience has run out. The same tracker picks the best checkpoint.
export type Mode = 'min' | 'max';

export interface TrackerState {
  best: number | null;
  bestEpoch: number;
  waited: number;
}

export class MetricTracker {
  best: number | null = null;
  bestEpoch = -1;
  private waited = 0;

  constructor(
    readonly monitor: string,
    readonly mode: Mode,
    private readonly minDelta = 0,
  ) {}

  /** Records an epoch's value; returns true when it is the best so far. */
  update(epoch: number, value: number): boolean {
    const better =
      this.best === null ||
      (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (better) {
      this.best = value;
      this.bestEpoch = epoch;
      this.waited = 0;
    } else {
      this.waited++;
    }
    return better;
  }

  /** True when `patience` epochs in a row have not improved. */
  exhausted(patience: number): boolean {
    return this.waited >= patience;
  }

  /** Restores state written by `state()` (for resume). */
  restore(state: TrackerState): void {
    this.best = state.best;
    this.bestEpoch = state.bestEpoch;
    this.waited = state.waited;
  }

  state(): TrackerState {
    return { best: this.best, bestEpoch: this.bestEpoch, waited: this.waited };
  }
}

export function modeOf(monitor: string): Mode {
  return monitor.endsWith('loss') ? 'min' : 'max';
}
