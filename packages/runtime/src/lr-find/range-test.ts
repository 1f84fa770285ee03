// The learning-rate range test's arithmetic (fastai's `lr_find`, after Leslie Smith): the rate of
// each step, growing exponentially from `start` to `end`; the loss smoothed as fastai smooths it
// (an exponential moving average, beta 0.98, with its bias corrected); the stop when the smoothed
// loss passes 4 times the best so far (or is not a number); and the suggestion, fastai's default
// `valley`. Kept apart from the training loop (lr-find.ts) so each rule is tested on its own.

/** fastai's smoothing factor for the recorded loss. */
export const SMOOTHING_BETA = 0.98;
/** The test stops once the smoothed loss exceeds this many times the lowest so far. */
export const DIVERGENCE_FACTOR = 4;

export interface RangeTestSettings {
  /** Steps (batches) at most; fastai's num_it (default 100). */
  steps: number;
  /** The first and the last step's learning rate (default 1e-7 and 10). */
  start: number;
  end: number;
}

export const RANGE_TEST_DEFAULTS: RangeTestSettings = { steps: 100, start: 1e-7, end: 10 };

/** The rate of step `i` (0-based) of `steps`: start·(end/start)^(i/(steps−1)), the first exactly start, the last exactly end. */
export function rateAt(i: number, { steps, start, end }: RangeTestSettings): number {
  if (steps <= 1) return start;
  return start * (end / start) ** (i / (steps - 1));
}

export interface RangePoint {
  step: number;
  lr: number;
  /** The batch's loss at that rate. */
  loss: number;
  /** The bias-corrected exponential moving average of the losses so far. */
  smoothed: number;
}

/** The running record of a range test: smoothing, the best smoothed loss, and when to stop. */
export class RangeRecorder {
  readonly points: RangePoint[] = [];
  private average = 0;
  private best = Infinity;
  /** Why the test stopped before its last step: the loss ran away (or was not a number); null while it has not. */
  stopped: 'diverged' | 'not a number' | null = null;

  /** Records step `step`'s loss; returns false when the test should stop (the point is kept). */
  record(step: number, lr: number, loss: number): boolean {
    if (!Number.isFinite(loss)) {
      this.stopped = 'not a number';
      return false;
    }
    this.average = SMOOTHING_BETA * this.average + (1 - SMOOTHING_BETA) * loss;
    const smoothed = this.average / (1 - SMOOTHING_BETA ** (this.points.length + 1));
    this.points.push({ step, lr, loss, smoothed });
    if (smoothed < this.best) this.best = smoothed;
    if (smoothed > DIVERGENCE_FACTOR * this.best) {
      this.stopped = 'diverged';
      return false;
    }
    return true;
  }

  /** The lowest smoothed loss so far. */
  get bestLoss(): number {
    return this.best;
  }
}

export interface Suggestion {
  /** The suggested learning rate. */
  lr: number;
  /** Its point's index in the points. */
  index: number;
  /** The first and the last point of the valley it lies in. */
  valley: [number, number];
}

/**
 * fastai's `valley` suggestion on the smoothed losses: the points without the noisy start and the
 * runaway end (trimmed below), then the longest run of points whose losses decrease
 * (a longest strictly decreasing subsequence: the longest valley), and the rate at a half of
 * its length from its start (one third, plus half a third, rounded down each: past the flat
 * start, before the bottom where the loss turns). Null with no point.
 */
export function suggestValley(points: RangePoint[], plannedSteps: number): Suggestion | null {
  if (points.length === 0) return null;
  const [from, to] = trimmed(points.length, plannedSteps);
  const losses = points.slice(from, to).map((p) => p.smoothed);
  const n = losses.length;
  // longest[i]: the length of the longest strictly decreasing subsequence ending at i.
  const longest = new Array<number>(n).fill(1);
  let end = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) if (losses[i] < losses[j] && longest[j] + 1 > longest[i]) longest[i] = longest[j] + 1;
    if (longest[i] > longest[end]) end = i;
  }
  const start = end - longest[end];
  const third = (end - start) / 3;
  const local = Math.max(0, Math.min(n - 1, start + Math.floor(third) + Math.floor(third / 2)));
  const index = from + local;
  return { lr: points[index].lr, index, valley: [from + Math.max(0, start), from + end] };
}

/**
 * The points a suggestion looks at, [from, to): without the first tenth of the planned steps and
 * the last 5, as fastai trims them; all of them when that would leave fewer than 3.
 */
function trimmed(count: number, plannedSteps: number): [number, number] {
  const from = Math.floor(plannedSteps / 10);
  const to = count - 5;
  return to - from < 3 ? [0, count] : [from, to];
}

/**
 * fastai's `steep` rate, shown beside: among the same points as the valley's, the start of the
 * segment where the smoothed loss falls fastest against log(lr). Null under two points.
 */
export function steepest(points: RangePoint[], plannedSteps: number): number | null {
  const [from, to] = trimmed(points.length, plannedSteps);
  if (to - from < 2) return null;
  let best = from;
  let slope = Infinity;
  for (let i = from + 1; i < to; i++) {
    const s = (points[i].smoothed - points[i - 1].smoothed) / (Math.log(points[i].lr) - Math.log(points[i - 1].lr));
    if (s < slope) {
      slope = s;
      best = i - 1;
    }
  }
  return points[best].lr;
}
