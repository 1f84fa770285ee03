// `batch auto`: the plan says 'auto' for the batch size, and the run resolves it once, right after
// the backend is chosen (phases/batch-size.ts), into a plan with numbers; the rest of the runtime
// sees numbers only. `resolvedBatch` is where that is relied on.
import type { BatchSize } from '@tlc/plan';

/** 'auto' on a CPU backend. */
export const CPU_AUTO_BATCH = 32;
/** The largest batch `batch auto` tries on a GPU backend. */
export const GPU_MAX_AUTO_BATCH = 256;

/** A batch size after the run resolved `batch auto` (phases/batch-size.ts). */
export function resolvedBatch(batchSize: BatchSize): number {
  if (batchSize === 'auto') throw new Error('internal: `batch auto` reached the training loop unresolved (resolveBatchSize runs right after the backend)');
  return batchSize;
}
