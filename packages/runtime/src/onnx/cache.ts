// The on-disk cache of exported graphs: `<tlc cache>/onnx/<sha256>.onnx`, keyed by the exporter's
// version, the architecture JSON, the cut layer, the input transform, the input size, the
// probabilities read at the output (a whole classifier's graph, for predict) and every
// weight's bytes, so a second run with the same trunk loads the graph instead of exporting it
// again. Written atomically; least recently used graphs are removed beyond GRAPH_CACHE_BYTES.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { cacheDir } from '@tlc/zoo';
import { writeFileAtomic } from '../run/atomic';
import { exportToOnnx, type ExportOptions } from './export';

/** The most bytes of graphs the cache keeps (every new set of weights makes a new graph). */
export const GRAPH_CACHE_BYTES = 2 * 1024 ** 3;

/** Bump when the exporter's output changes for the same model, so old graphs are not reused. */
const EXPORTER_VERSION = 1;

/** The folder exported graphs go to by default: `$TLC_HOME/onnx` or `~/.cache/tlc/onnx`. */
export function defaultGraphCacheDir(): string {
  return join(cacheDir(), 'onnx');
}

/** The sha256 naming the graph of `model` (cut at `options.outputLayer`). */
export function graphKey(model: tf.LayersModel, options: ExportOptions = {}): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({
    exporter: EXPORTER_VERSION,
    architecture: model.toJSON(null, false),
    outputLayer: options.outputLayer ?? null,
    inputTransform: options.inputTransform ?? null,
    inputShape: model.inputs.map((t) => t.shape),
    // Only when set, so the keys of trunk graphs (never with probabilities) stay as they were.
    ...(options.probabilities ? { probabilities: options.probabilities } : {}),
  }));
  for (const w of model.weights) {
    const data = w.read().dataSync() as Float32Array;
    hash.update(w.originalName ?? w.name);
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}

export interface CachedGraph {
  path: string;
  /** False when the graph was already in the cache. */
  exported: boolean;
}

/** The cached graph of the model, exporting and writing it first when it is not there yet. */
export function cachedGraph(model: tf.LayersModel, options: ExportOptions = {}, dir = defaultGraphCacheDir()): CachedGraph {
  const path = join(dir, `${graphKey(model, options)}.onnx`);
  if (existsSync(path)) {
    const now = new Date();
    utimesSync(path, now, now); // marks it recently used
    return { path, exported: false };
  }
  writeFileAtomic(path, exportToOnnx(model, options));
  pruneGraphCache(dir, GRAPH_CACHE_BYTES, path);
  return { path, exported: true };
}

/** Removes the least recently used graphs until the rest fit in `limitBytes` (`keep` stays). */
export function pruneGraphCache(dir: string, limitBytes: number, keep?: string): void {
  const graphs = readdirSync(dir)
    .filter((name) => name.endsWith('.onnx'))
    .map((name) => {
      const path = join(dir, name);
      const stat = statSync(path);
      return { path, bytes: stat.size, used: stat.mtimeMs };
    })
    .sort((a, b) => b.used - a.used);
  let total = 0;
  for (const graph of graphs) {
    total += graph.bytes;
    if (total > limitBytes && graph.path !== keep) rmSync(graph.path, { force: true });
  }
}
