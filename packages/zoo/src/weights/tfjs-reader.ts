// Weights from a TensorFlow.js layers model (`weights "model.json"`), grouped by layer so they
// match by layer name like Keras .h5 files do. A weight belongs to the longest layer name it
// starts with (`conv1_bn/gamma` -> `conv1_bn`). The layers come in the order of the file's
// `modelTopology` (Keras's `model.layers` order), not of the weights manifest, which the converter
// sorts by weight name (`batch_normalization_1`, `batch_normalization_10`, …): pairing by order
// needs the former. A weight of no layer of the topology has no place in that order and is listed
// in `unordered`.
import * as tf from '@tensorflow/tfjs';
import { damagedWeightsFile } from './errors';
import type { FileLayer, WeightsSource } from './source';
import { readModelJson, readWeightShards, topologyLayerNames } from './tfjs-files';

export async function openTfjsModel(path: string): Promise<WeightsSource> {
  const json = await readModelJson(path);
  const { specs, data } = await readWeightShards(path, json.weightsManifest);
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(data, specs);
  } catch (error) {
    throw damagedWeightsFile(`cannot decode the weights of ${path} (${error instanceof Error ? error.message : String(error)})`);
  }
  const topology = topologyLayerNames(json.modelTopology);
  const layerNames = [...topology].sort((a, b) => b.length - a.length);
  const layers = new Map<string, FileLayer>();
  for (const spec of specs) {
    const tensor = tensors[spec.name];
    const values = new Float32Array(tensor.dataSync() as ArrayLike<number>); // a native copy: Float32Array.from iterates element by element
    tensor.dispose();
    const layerName =
      layerNames.find((name) => spec.name.startsWith(`${name}/`)) ?? spec.name.slice(0, Math.max(0, spec.name.lastIndexOf('/')));
    if (!layers.has(layerName)) layers.set(layerName, { name: layerName, weights: [], weightsInLayerOrder: false });
    layers.get(layerName)!.weights.push({ name: spec.name, shape: spec.shape, read: () => values });
  }
  const rank = new Map(topology.map((name, i) => [name, i]));
  const place = (layer: FileLayer) => rank.get(layer.name) ?? topology.length;
  const ordered = [...layers.values()].sort((a, b) => place(a) - place(b)); // stable: unplaced keep manifest order
  const unordered = ordered.filter((layer) => !rank.has(layer.name)).map((layer) => layer.name);
  return { naming: 'layer-name', layers: ordered, ...(unordered.length > 0 ? { unordered } : {}), close: () => {} };
}
