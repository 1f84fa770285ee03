// Phase 1b, batch size: `batch auto` resolved once, right after the backend is chosen, into a plan
// with numbers (the rest of the run never sees 'auto'). On a CPU backend 'auto' is 32; on a GPU
// backend it is the largest power of two ≤ 256 whose training step fits: a real forward and
// backward pass of the plan's model at that batch, halved on an out-of-memory error. The choice is
// printed and written to the run folder's batch.json (the run's plan.json keeps 'auto'); a
// resumed run takes the number its batch.json holds, so it trains on with the same batch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BatchSize, Plan } from '@tlc/plan';
import { GPU_BACKENDS, type BackendName } from '../../backend/index';
import { assembleModel } from '../../model/assemble';
import { isOutOfMemory, outOfMemory } from '../../train/out-of-memory';
import { CPU_AUTO_BATCH, GPU_MAX_AUTO_BATCH } from '../batch-size';
import type { RunLog } from '../progress';
import { RUN_FILES } from '../run-folder';

/** What batch.json holds. */
export interface BatchChoice {
  batchSize: number;
  backend: string;
  /** Why this number, in words (also printed). */
  reason: string;
  /** The batch sizes a GPU search tried that ran out of memory, largest first. */
  outOfMemory: number[];
}

/** One training step of the plan's model at this batch; throws the backend's error when it does not fit. */
export type StepProbe = (batchSize: number) => Promise<void>;

export function usesAutoBatch(plan: Plan): boolean {
  return plan.data?.batchSize === 'auto' || plan.stages.some((s) => s.batchSize === 'auto');
}

/** The plan with every 'auto' batch replaced by `batchSize`. */
export function withBatchSize(plan: Plan, batchSize: number): Plan {
  const fill = (b: BatchSize): number | BatchSize => (b === 'auto' ? batchSize : b);
  return {
    ...plan,
    data: plan.data ? { ...plan.data, batchSize: fill(plan.data.batchSize) } : plan.data,
    stages: plan.stages.map((s) => ({ ...s, batchSize: fill(s.batchSize) })),
  };
}

/**
 * The plan with numbers for every batch, and the choice made (null when the plan names every batch).
 * `resumeDir`: a resumed run's folder (its batch.json wins). `probe`: the GPU step (tests inject one).
 */
export async function resolveBatchSize(
  plan: Plan, backend: BackendName, log: RunLog, options: { baseDir: string; resumeDir?: string; probe?: StepProbe },
): Promise<{ plan: Plan; choice: BatchChoice | null }> {
  if (!usesAutoBatch(plan)) return { plan, choice: null };
  const saved = options.resumeDir ? savedChoice(options.resumeDir) : null;
  const choice = saved ?? (GPU_BACKENDS.includes(backend)
    ? await searchBatchSize(backend, options.probe ?? modelStepProbe(plan, options.baseDir))
    : { batchSize: CPU_AUTO_BATCH, backend, reason: `${backend} is a CPU backend`, outOfMemory: [] });
  log.line(`batch auto: ${choice.batchSize} (${saved ? `as this run chose before: ${choice.reason}` : choice.reason})`);
  return { plan: withBatchSize(plan, choice.batchSize), choice };
}

/** The largest power of two ≤ 256 whose step fits, halving on out-of-memory; other errors are the run's. */
export async function searchBatchSize(backend: string, probe: StepProbe): Promise<BatchChoice> {
  const failed: number[] = [];
  for (let batch = GPU_MAX_AUTO_BATCH; ; batch /= 2) {
    try {
      await probe(batch);
    } catch (error) {
      if (!isOutOfMemory(error)) throw error;
      if (batch === 1) throw outOfMemory('batch auto', 1, error);
      failed.push(batch);
      continue;
    }
    const reason = failed.length === 0
      ? `the largest tried on ${backend}: a training step at ${batch} fits in the GPU's memory`
      : `the largest training step that fits on ${backend}: ${failed.join(', ')} ran out of memory`;
    return { batchSize: batch, backend, reason, outOfMemory: failed };
  }
}

function savedChoice(runDir: string): BatchChoice | null {
  const file = join(runDir, RUN_FILES.batch);
  if (!existsSync(file)) return null;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as BatchChoice;
  return Number.isInteger(saved.batchSize) && saved.batchSize > 0 ? saved : null;
}

/**
 * A real training step of the plan's model (random starting weights: the sizes are what count),
 * every layer trainable (the most memory a stage can need), on zeros of the input's shape.
 */
export function modelStepProbe(plan: Plan, baseDir: string): StepProbe {
  return async (batchSize) => {
    const probePlan: Plan = { ...plan, model: { ...plan.model, weights: { source: 'none' } } };
    const { model } = await assembleModel(probePlan, { baseDir });
    try {
      const [, height, width, channels] = model.inputs[0]!.shape as number[];
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => {
          const x = tf.zeros([batchSize, height!, width!, channels!]);
          return tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
        }),
      );
      try {
        // One scalar that needs every gradient (a chain of adds: WebGPU's addN takes at most 8 inputs).
        const total = tf.tidy(() => Object.values(grads).map((g) => tf.sum(g)).reduce((a, b) => tf.add(a, b)));
        try {
          await value.data();
          await total.data();
        } finally {
          total.dispose();
        }
      } finally {
        value.dispose();
        tf.dispose(grads);
      }
    } finally {
      model.dispose();
    }
  };
}
