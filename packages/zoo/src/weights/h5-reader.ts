// Reads Keras weights from HDF5 with h5wasm:
// - Keras 2 `save_weights` files (the `_notop.h5` files Keras publishes): root attribute
//   `layer_names`, one group per layer with attribute `weight_names`, and datasets at
//   `<layer>/<weight name>` (e.g. `conv1_conv/conv1_conv/kernel:0`); long attributes may be split
//   into `layer_names0`, `layer_names1`, … as Keras does past HDF5's header limit;
// - Keras 2 full-model `.h5` files: the same under the group `model_weights`;
// - Keras 3 `.weights.h5` files: `layers/<class key>/vars/<i>`.
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dataset, Group } from 'h5wasm/node';
import { damagedWeightsFile, WeightsError } from './errors';
import type { FileLayer, FileWeight, WeightsSource } from './source';

/**
 * h5wasm, imported when the first HDF5 file is opened: its module is 4 MB of JavaScript (the wasm
 * inlined), about 1.5 s of CPU to load through tsx here, which every command importing the zoo
 * paid before, with or without an .h5 file.
 */
let h5wasm: typeof import('h5wasm/node').default;

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Opens a Keras weights file; throws a WeightsError when it is missing or not Keras HDF5. */
export async function openKerasH5(path: string): Promise<WeightsSource> {
  const absolute = resolve(path);
  checkIsHdf5(absolute);
  h5wasm ??= (await import('h5wasm/node')).default;
  await h5wasm.ready;
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = new h5wasm.File(absolute, 'r');
  } catch (error) {
    throw damagedWeightsFile(`${absolute} is an HDF5 file that cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    const source = readLayout(file, absolute);
    return { ...source, close: () => file.close() };
  } catch (error) {
    file.close();
    throw error;
  }
}

/** h5wasm prints HDF5's diagnostics instead of throwing on a bad file, so check first. */
function checkIsHdf5(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) throw new WeightsError(`weights file not found: ${path}`);
  const fd = openSync(path, 'r');
  try {
    // The signature sits at offset 0, or after a user block of 512, 1024, 2048, … bytes.
    const size = statSync(path).size;
    const head = Buffer.alloc(HDF5_SIGNATURE.length);
    for (let offset = 0; offset + head.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, head, 0, head.length, offset);
      if (!head.equals(HDF5_SIGNATURE)) continue;
      const end = declaredEnd(fd, offset);
      if (end !== undefined && size < end) {
        throw damagedWeightsFile(`${path} is truncated: it has ${size} bytes, its HDF5 header says ${end} (an interrupted download or copy)`);
      }
      return;
    }
  } finally {
    closeSync(fd);
  }
  throw damagedWeightsFile(
    isZip(path)
      ? `${path} is a Keras 3 .keras archive (a zip); tlc reads the weights file inside it: unzip it and use model.weights.h5`
      : `${path} is not an HDF5 file (expected Keras weights in .h5 format)`,
  );
}

/**
 * The file size the HDF5 superblock at `offset` declares (base address + end-of-file address),
 * or undefined when the superblock is of a version this does not know or cut short itself.
 */
function declaredEnd(fd: number, offset: number): number | undefined {
  const block = Buffer.alloc(96);
  const read = readSync(fd, block, 0, block.length, offset);
  const version = block[8];
  // Versions 0 and 1: sizes at 13 and 14; base address at 24 (v0) or 28 (v1), then the free-space,
  // end-of-file and driver addresses. Versions 2 and 3: sizes at 9 and 10; base address at 12,
  // then the extension and end-of-file addresses.
  const sizeOfOffsets = version <= 1 ? block[13] : block[9];
  const base = version === 0 ? 24 : version === 1 ? 28 : version <= 3 ? 12 : undefined;
  if (base === undefined || ![4, 8].includes(sizeOfOffsets)) return undefined;
  const eofAt = base + 2 * sizeOfOffsets;
  if (eofAt + sizeOfOffsets > read) return undefined;
  const address = (at: number) => (sizeOfOffsets === 8 ? Number(block.readBigUInt64LE(at)) : block.readUInt32LE(at));
  // The base address is absolute (0, or the user block's size); the others are relative to it.
  return address(base) + address(eofAt);
}

function isZip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  } finally {
    closeSync(fd);
  }
}

function readLayout(file: Group, path: string): Omit<WeightsSource, 'close'> {
  if (hasStringList(file, 'layer_names')) return { naming: 'layer-name', layers: keras2Layers(file, path) };
  const keys = file.keys();
  if (keys.includes('model_weights')) {
    const group = file.get('model_weights') as Group;
    if (hasStringList(group, 'layer_names')) return { naming: 'layer-name', layers: keras2Layers(group, path) };
  }
  const keras3Root = ['layers', '_layers', '_layer_checkpoint_dependencies'].find((k) => keys.includes(k));
  if (keras3Root) return { naming: 'class-order', layers: keras3Layers(file.get(keras3Root) as Group, path) };
  throw damagedWeightsFile(
    `${path} is an HDF5 file but not Keras weights (no \`layer_names\` attribute, no \`model_weights\` or \`layers\` group)`,
  );
}

/**
 * The layers `layer_names` lists, looked up by path: a name with `/` (MobileNetV3's
 * `Conv/BatchNorm`) is a nested group in HDF5, not a key of the root. Listed names without a
 * group hold no weights and are left out, as Keras skips them.
 */
function keras2Layers(group: Group, path: string): FileLayer[] {
  return readStringList(group, 'layer_names').flatMap((name) => {
    const layerGroup = group.get(name);
    if (!(layerGroup instanceof h5wasm.Group)) return [];
    const weightNames = hasStringList(layerGroup, 'weight_names') ? readStringList(layerGroup, 'weight_names') : [];
    return [
      {
        name,
        weights: weightNames.map((weightName) => {
          const dataset = layerGroup.get(weightName);
          if (!(dataset instanceof h5wasm.Dataset)) {
            throw damagedWeightsFile(`${path}: layer \`${name}\` lists weight \`${weightName}\` but the file has no such dataset`);
          }
          return datasetWeight(weightName, dataset, path);
        }),
      },
    ];
  });
}

function keras3Layers(layersGroup: Group, path: string): FileLayer[] {
  return layersGroup.keys().map((key) => {
    const layerGroup = layersGroup.get(key) as Group;
    const vars = layerGroup.keys().includes('vars') ? (layerGroup.get('vars') as Group) : undefined;
    const indices = vars ? vars.keys().filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b)) : [];
    return {
      name: key,
      weights: indices.map((i) => datasetWeight(`${key}/vars/${i}`, vars!.get(i) as Dataset, path)),
    };
  });
}

function datasetWeight(name: string, dataset: Dataset, path: string): FileWeight {
  return {
    name,
    shape: dataset.shape ?? [],
    read() {
      // HDF5 classes: 0 integer, 1 float. Scalars come back as a number or bigint.
      const { type } = dataset.metadata;
      const value = type === 0 || type === 1 ? dataset.value : undefined;
      if (value instanceof Float32Array) return value;
      if (typeof value === 'number' || typeof value === 'bigint') return Float32Array.of(Number(value));
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        return Float32Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
      }
      throw damagedWeightsFile(`${path}: weight \`${name}\` has a data type tlc cannot read (${String(dataset.dtype)})`);
    },
  };
}

/** Whether the attribute exists whole, or split Keras-style into `name0`, `name1`, …. */
function hasStringList(group: Group, name: string): boolean {
  const attrs = group.attrs;
  return name in attrs || `${name}0` in attrs;
}

function readStringList(group: Group, name: string): string[] {
  const attrs = group.attrs;
  if (name in attrs) return toStrings(attrs[name].value);
  const list: string[] = [];
  for (let chunk = 0; `${name}${chunk}` in attrs; chunk++) list.push(...toStrings(attrs[`${name}${chunk}`].value));
  return list;
}

/** An attribute of byte strings as JS strings; Keras writes an empty list as an empty float array. */
function toStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v)));
  return [];
}
