// Test fixture: writes HDF5 weight files laid out as Keras writes them (Keras 2 `save_weights`,
// Keras 2 full-model `model_weights`, Keras 3 `.weights.h5`), with values the tests choose.
import type * as tf from '@tensorflow/tfjs';
import h5wasm, { type Group } from 'h5wasm/node';

export interface FixtureWeight {
  name: string;
  shape: number[];
  values: Float32Array | Float64Array | BigInt64Array;
  /** HDF5 type as h5wasm spells it: '<f' float32 (default), '<d' float64, '<q' int64. */
  dtype?: '<f' | '<d' | '<q';
}

export interface FixtureLayer {
  name: string;
  weights: FixtureWeight[];
}

export interface Keras2Options {
  /** Weights under the group `model_weights`, as in a full-model file. */
  fullModel?: boolean;
  /** Split `layer_names` into attributes `layer_names0`, `layer_names1`, … of this many names. */
  chunkLayerNames?: number;
}

/** Keras 2 layout: root (or `model_weights`) attribute `layer_names`, a group per layer. */
export async function writeKeras2H5(path: string, layers: FixtureLayer[], options: Keras2Options = {}): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  try {
    const root = options.fullModel ? file.create_group('model_weights') : file;
    const names = layers.map((l) => l.name);
    const chunk = options.chunkLayerNames;
    if (chunk === undefined) writeStrings(root, 'layer_names', names);
    for (let i = 0; chunk !== undefined && i * chunk < names.length; i++) {
      writeStrings(root, `layer_names${i}`, names.slice(i * chunk, (i + 1) * chunk));
    }
    root.create_attribute('backend', 'tensorflow');
    root.create_attribute('keras_version', '2.15.0');
    for (const layer of layers) {
      const group = ensureGroup(root, layer.name.split('/'));
      writeStrings(group, 'weight_names', layer.weights.map((w) => w.name));
      for (const weight of layer.weights) {
        const parts = weight.name.split('/');
        const parent = ensureGroup(group, parts.slice(0, -1));
        parent.create_dataset({ name: parts[parts.length - 1], data: weight.values, shape: weight.shape, dtype: weight.dtype ?? '<f' });
      }
    }
  } finally {
    file.close();
  }
}

/**
 * A tfjs model's own weights written as Keras 2 `save_weights` would write that model; `rename`
 * gives a layer another name in the file (as an older Keras named it), its weights renamed with it.
 */
export async function writeModelAsKeras2H5(path: string, model: tf.LayersModel, rename = (name: string) => name): Promise<void> {
  const layers = model.layers.map((layer) => ({
    name: rename(layer.name),
    weights: layer.weights.map((w) => ({
      name: `${w.originalName.startsWith(`${layer.name}/`) ? rename(layer.name) + w.originalName.slice(layer.name.length) : w.originalName}:0`,
      shape: w.shape as number[],
      values: w.read().dataSync() as Float32Array,
    })),
  }));
  await writeKeras2H5(path, layers);
}

/** Keras 3 layout: `layers/<class key>/vars/<i>`. */
export async function writeKeras3H5(path: string, layers: FixtureLayer[]): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'w');
  try {
    const root = file.create_group('layers');
    for (const layer of layers) {
      const vars = root.create_group(layer.name).create_group('vars');
      layer.weights.forEach((weight, i) => {
        vars.create_dataset({ name: String(i), data: weight.values, shape: weight.shape, dtype: weight.dtype ?? '<f' });
      });
    }
  } finally {
    file.close();
  }
}

/**
 * The group at `parent/<parts joined by />`, created with its missing ancestors as h5py does
 * (h5wasm creates no intermediate groups): a layer named `Conv/BatchNorm` is the group
 * `BatchNorm` inside `Conv`, which may also be a layer of its own.
 */
function ensureGroup(parent: Group, parts: string[]): Group {
  return parts.reduce((group, part) => (group.keys().includes(part) ? (group.get(part) as Group) : group.create_group(part)), parent);
}

/** A list of byte strings as h5py stores numpy `S` arrays; an empty list as numpy's empty float array. */
function writeStrings(group: Group, name: string, values: string[]): void {
  if (values.length === 0) {
    group.create_attribute(name, new Float64Array(0), [0], '<d');
    return;
  }
  const width = Math.max(...values.map((v) => Buffer.byteLength(v)));
  group.create_attribute(name, values, [values.length], `S${width}`);
}
