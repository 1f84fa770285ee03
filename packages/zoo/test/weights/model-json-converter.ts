// Test fixture: a zoo model written as `tensorflowjs_converter` writes a layers model converted
// from an older Keras (issue 13 item 1): layers with Keras's automatic names (`conv2d`,
// `batch_normalization_3`, …) numbered from 1 as Keras 2.0 numbered them (`conv2d` -> `conv2d_1`,
// `conv2d_1` -> `conv2d_2`; named layers such as `block1_conv1` keep their names), the topology
// renamed to match, and the weights manifest sorted by weight name (`batch_normalization_1`,
// `batch_normalization_10`, `batch_normalization_11`, …), the weights file's bytes in that order.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { saveModelToDir } from '../../src/weights/index';

/** Keras's `to_snake_case` of a class name: `BatchNormalization` -> `batch_normalization`. */
function snakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The old Keras name of each automatically named layer of `model`, one up from the builder's. */
export function keras20Names(model: tf.LayersModel): Map<string, string> {
  const renames = new Map<string, string>();
  for (const layer of model.layers) {
    const base = snakeCase(layer.getClassName());
    const match = new RegExp(`^${base}(?:_(\\d+))?$`).exec(layer.name);
    if (match) renames.set(layer.name, `${base}_${Number(match[1] ?? 0) + 1}`);
  }
  return renames;
}

/** Every string in `value` that is an old name, replaced by its new one (all at once). */
function renameDeep(value: unknown, renames: Map<string, string>): unknown {
  if (typeof value === 'string') return renames.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => renameDeep(v, renames));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameDeep(v, renames)]));
  }
  return value;
}

/**
 * Writes `model` to `dir/model.json` + `dir/weights.bin` as the converter writes an old Keras
 * model; returns the manifest's weight names in file order.
 */
export async function writeAutoNamedModelJson(model: tf.LayersModel, dir: string): Promise<string[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'tlc-converter-'));
  try {
    await saveModelToDir(model, scratch);
    const json = JSON.parse(readFileSync(join(scratch, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const bytes = readFileSync(join(scratch, 'weights.bin'));
    const renames = keras20Names(model);
    const layerNames = model.layers.map((l) => l.name).sort((a, b) => b.length - a.length);
    let offset = 0;
    const entries = json.weightsManifest[0].weights.map((spec) => {
      if (spec.dtype !== 'float32') throw new Error(`fixture writes float32 weights only, not ${spec.dtype}`);
      const size = spec.shape.reduce((a, b) => a * b, 1) * 4;
      const data = bytes.subarray(offset, offset + size);
      offset += size;
      const layer = layerNames.find((name) => spec.name.startsWith(`${name}/`));
      const name = layer && renames.has(layer) ? renames.get(layer)! + spec.name.slice(layer.length) : spec.name;
      return { spec: { ...spec, name }, data };
    });
    entries.sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
    const converted: tf.io.ModelJSON = {
      ...json,
      modelTopology: renameDeep(json.modelTopology, renames) as tf.io.ModelJSON['modelTopology'],
      weightsManifest: [{ paths: ['weights.bin'], weights: entries.map((e) => e.spec) }],
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'weights.bin'), Buffer.concat(entries.map((e) => e.data)));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(converted));
    return entries.map((e) => e.spec.name);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
