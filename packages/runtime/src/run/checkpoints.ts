// The run folder's checkpoints read back: a saved model's weights (checkpoints/last to resume
// from, checkpoints/best for the stage in progress) and the optimizer's state, as the engine
// encoded it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModelFromDir } from '@tlc/zoo';
import { RunError, runtimeMessages } from '../messages';
import { RUN_FILES } from './run-folder';

/** A saved model's weights in `model.weights` order, matched by name (saved order may differ). */
export async function weightsFromDir(dir: string, model: tf.LayersModel): Promise<tf.Tensor[]> {
  const saved = await loadModelFromDir(dir);
  const byName = new Map(saved.weights.map((w) => [w.originalName, w.read()]));
  try {
    return model.weights.map((w) => {
      const value = byName.get(w.originalName);
      if (!value) throw new RunError(runtimeMessages.checkpointOfAnotherModel(dir, w.originalName));
      return tf.keep(value.clone());
    });
  } finally {
    saved.dispose();
  }
}

/** The optimizer's state saved after the last completed epoch, or null when there is none. */
export function readOptimizerFile(runDir: string): Uint8Array | null {
  const file = join(runDir, RUN_FILES.optimizer);
  return existsSync(file) ? readFileSync(file) : null;
}
