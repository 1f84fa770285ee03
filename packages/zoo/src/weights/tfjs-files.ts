// The TensorFlow.js layers-model format on disk: `model.json` (topology + weights manifest)
// and its `.bin` shards next to it. Reading only; writing is in ./model-dir.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { damagedWeightsFile, WeightsError } from './errors';

/** Reads and checks a layers-format model.json; throws a WeightsError for people otherwise. */
export async function readModelJson(path: string): Promise<tf.io.ModelJSON> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new WeightsError(`TensorFlow.js model not found: ${absolute}`);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await readFile(absolute, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    throw damagedWeightsFile(`${absolute} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (json.format === 'graph-model') {
    throw damagedWeightsFile(`${absolute} is a TensorFlow.js graph model; tlc loads weights from layers models only`);
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw damagedWeightsFile(`${absolute} is not a TensorFlow.js layers model (no modelTopology or weightsManifest)`);
  }
  return json;
}

/** The weight specs of every group, in manifest order, and all shards' bytes concatenated. */
export async function readWeightShards(
  modelJsonPath: string,
  manifest: tf.io.WeightsManifestConfig,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  const dir = dirname(resolve(modelJsonPath));
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const shard of group.paths) {
      const shardPath = join(dir, shard);
      if (!existsSync(shardPath)) {
        throw damagedWeightsFile(`${modelJsonPath} names the weights shard ${shard}, but ${shardPath} does not exist`);
      }
      buffers.push(await readFile(shardPath));
    }
  }
  const all = Buffer.concat(buffers);
  const expected = expectedBytes(specs);
  // Bytes beyond the manifest's are left unread, as tfjs reads them; fewer are a shard cut short.
  if (expected !== null && all.byteLength < expected) {
    throw damagedWeightsFile(
      `the weights of ${modelJsonPath} are ${all.byteLength} bytes where its manifest declares ${expected}: a shard was cut short (an interrupted copy or download?)`,
    );
  }
  return { specs, data: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

/** The layer names a layers-model topology declares (Sequential or functional). */
export function topologyLayerNames(topology: unknown): string[] {
  const model = topology as { model_config?: unknown; config?: unknown };
  const root = (model.model_config ?? model) as { config?: { layers?: unknown } | unknown[] };
  const config = root.config;
  const layers = Array.isArray(config) ? config : (config as { layers?: unknown })?.layers;
  if (!Array.isArray(layers)) return [];
  return layers
    .map((layer: { name?: string; config?: { name?: string } }) => layer.config?.name ?? layer.name)
    .filter((name): name is string => typeof name === 'string');
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, int16: 2 };

/** The bytes the manifest's weights take, or null where it cannot say (quantized or unusual weights). */
function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const bytes = BYTES_PER_ELEMENT[spec.dtype];
    if (spec.quantization !== undefined || bytes === undefined) return null;
    total += spec.shape.reduce((n, d) => n * d, 1) * bytes;
  }
  return total;
}
