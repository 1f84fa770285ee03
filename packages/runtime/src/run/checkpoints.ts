// The run folder's checkpoints: a saved model's weights read back (checkpoints/last to resume
// from, checkpoints/best for the stage in progress), the optimizer's state as the engine encoded
// it, and the stage's frozen weights kept once. checkpoints/best and last are whole tfjs models
// (model.json, weights.bin); a stage's frozen layers do not change, so their weights go once to
// checkpoints/frozen/<sha256 of the bytes>.bin, which both model.json files name as their first
// shard (`../frozen/….bin`): an epoch writes only the weights that can change.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeShard, loadModelFromDir, type SharedShard } from '@tlc/zoo';
import { RunError, runtimeMessages } from '../messages';
import { writeFileAtomic } from './atomic';
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

/**
 * Writes the weights of `frozenLayers` to checkpoints/frozen/<sha256>.bin unless a file of that
 * content is there, and returns the shard for saveModelToDir; null when the layers hold no weights.
 */
export async function writeFrozenShard(runDir: string, model: tf.LayersModel, frozenLayers: ReadonlySet<string>): Promise<SharedShard | null> {
  const names = new Set(model.layers.filter((l) => frozenLayers.has(l.name)).flatMap((l) => l.weights.map((w) => w.originalName)));
  if (names.size === 0) return null;
  const { specs, data } = await encodeShard(model, names);
  const hash = createHash('sha256').update(data).digest('hex');
  const file = join(runDir, RUN_FILES.frozen, `${hash}.bin`);
  if (!existsSync(file)) writeFileAtomic(file, data);
  return { path: `../frozen/${hash}.bin`, specs };
}

/** Deletes the frozen shards no model.json under checkpoints/ names any more (a finished stage's). */
export function pruneFrozenShards(runDir: string): void {
  const dir = join(runDir, RUN_FILES.frozen);
  if (!existsSync(dir)) return;
  const named = new Set<string>();
  const checkpoints = join(runDir, RUN_FILES.checkpoints);
  for (const entry of readdirSync(checkpoints, { withFileTypes: true })) {
    const modelJson = join(checkpoints, entry.name, 'model.json');
    if (!entry.isDirectory() || !existsSync(modelJson)) continue;
    try {
      const manifest = (JSON.parse(readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON).weightsManifest;
      for (const group of manifest) for (const path of group.paths) named.add(path.split('/').pop()!);
    } catch {
      return; // a model.json that does not read: keep everything
    }
  }
  for (const name of readdirSync(dir)) if (/^[0-9a-f]{64}\.bin$/.test(name) && !named.has(name)) rmSync(join(dir, name), { force: true });
}
