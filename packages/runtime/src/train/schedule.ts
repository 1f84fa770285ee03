// The learning rate of every step of a stage, from the plan's schedule. Cosine and one cycle are
// functions of the step within the stage, step of the epoch: a resumed stage computes exactly
// the rates the uninterrupted one would. `plateau` (Keras's ReduceLROnPlateau) depends on the
// monitored values so far: its state (the current rate, the best value, the epochs waited, the
// cooldown left) is saved with the stage's and restored on resume.
import type { SchedulePlan } from '@tlc/plan';
import { modeOf } from './early-stopping';

export interface StageClock {
  /** The stage's epochs (after --epochs). */
  epochs: number;
  /** Batches per epoch. */
  stepsPerEpoch: number;
}

/** fastai's one cycle: the share of the steps spent climbing, and the end rate as max / this. */
export const ONE_CYCLE_PCT_START = 0.25;
export const ONE_CYCLE_DIV_FINAL = 1e5;

/** A cosine from `from` (p = 0) to `to` (p = 1). */
function anneal(from: number, to: number, p: number): number {
  return to + ((from - to) / 2) * (1 + Math.cos(Math.PI * p));
}

/**
 * The rate of `step` (1-based batch) of `epoch` (1-based) for every schedule but plateau, whose
 * rate the caller keeps (`base` is then passed back unchanged).
 */
export function scheduledRate(schedule: SchedulePlan, base: number, clock: StageClock, epoch: number, step: number): number {
  const total = Math.max(1, clock.epochs * clock.stepsPerEpoch);
  const s = Math.min((epoch - 1) * clock.stepsPerEpoch + (step - 1), total - 1);
  switch (schedule.kind) {
    case 'constant':
    case 'plateau':
      return base;
    case 'step':
      return base * schedule.factor ** Math.floor((epoch - 1) / schedule.everyEpochs);
    case 'cosine': {
      const asked = schedule.warmup.unit === 'epochs' ? schedule.warmup.count * clock.stepsPerEpoch : schedule.warmup.count;
      const warmup = Math.min(asked, total);
      if (s < warmup) return (base * (s + 1)) / warmup;
      return anneal(base, 0, (s - warmup) / Math.max(1, total - warmup));
    }
    case 'one-cycle': {
      const climb = Math.max(1, Math.round(ONE_CYCLE_PCT_START * total));
      const { startLearningRate: start, maxLearningRate: max } = schedule;
      if (s < climb) return anneal(start, max, s / climb);
      return anneal(max, max / ONE_CYCLE_DIV_FINAL, (s - climb) / Math.max(1, total - climb));
    }
  }
}

export interface PlateauState {
  /** The rate the next epoch trains at. */
  lr: number;
  /** The best monitored value so far (null: none yet). */
  best: number | null;
  wait: number;
  cooldown: number;
}

/** Keras's ReduceLROnPlateau.on_epoch_end, over a state that survives --resume. */
export class Plateau {
  private state: PlateauState;

  constructor(
    private readonly plan: Extract<SchedulePlan, { kind: 'plateau' }>,
    base: number,
    saved?: PlateauState | null,
  ) {
    this.state = saved ? { ...saved } : { lr: base, best: null, wait: 0, cooldown: 0 };
  }

  get lr(): number {
    return this.state.lr;
  }

  /** After an epoch with the monitored value; returns true when the rate was reduced. */
  update(value: number): boolean {
    const { plan } = this;
    const st = this.state;
    if (st.cooldown > 0) {
      st.cooldown--;
      st.wait = 0;
    }
    const better =
      st.best === null || (modeOf(plan.monitor) === 'min' ? value < st.best - plan.minDelta : value > st.best + plan.minDelta);
    if (better) {
      st.best = value;
      st.wait = 0;
    } else if (st.cooldown === 0) {
      st.wait++;
      if (st.wait >= plan.patience && st.lr > plan.minLearningRate) {
        st.lr = Math.max(st.lr * plan.factor, plan.minLearningRate);
        st.cooldown = plan.cooldown;
        st.wait = 0;
        return true;
      }
    }
    return false;
  }

  saved(): PlateauState {
    return { ...this.state };
  }
}
