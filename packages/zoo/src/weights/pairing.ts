// Which file layer each model layer takes its weights from. By name (the default): Keras 2 .h5
// and tfjs files by layer name, Keras 3 `.weights.h5` files by class and rank. By order: the
// file's layers that have weights, in file order, zipped with the model's layers that have
// weights in `model.layers` order, as Keras's `load_weights_from_hdf5_group` does; for the
// `_notop.h5` files whose automatic names predate the model's (InceptionV3's `conv2d_1` is the
// model's `conv2d`), where matching by name would put weights one layer off. The file's order is
// its layers' (`layer_names`, a model.json's `modelTopology`), never a weights manifest's, and
// every pair must agree in weight count and shapes: the first that does not stops the load
// (TL4404), since every later pair would be in doubt too.
import * as tf from '@tensorflow/tfjs';
import { unpairableWeights } from './errors';
import { shortWeightName, type FileLayer, type FileWeight, type WeightsSource } from './source';

export type WeightsMatch = 'name' | 'order';

type ModelLayer = tf.layers.Layer;

/** A model layer with weights (or a nested model taken as one), and its file layer or why none. */
export type LayerPair = { unit: ModelLayer; fileLayer: FileLayer } | { unit: ModelLayer; missing: string };

/** Pairs each model layer with weights with its file layer; `source` names the file in errors. */
export function pairLayers(model: tf.LayersModel, file: WeightsSource, match: WeightsMatch, source: string): LayerPair[] {
  // Keras 3 files are keyed by class and rank, which is an order already (their HDF5 keys are sorted).
  if (match === 'order' && file.naming === 'layer-name') return pairByOrder(model, file, source);
  const fileLayers = new Map(file.layers.map((layer) => [layer.name, layer]));
  const units = weightUnits(model, (name) => file.naming === 'layer-name' && fileLayers.has(name));
  const keys = layerKeys(units, file.naming);
  return units.flatMap((unit, index): LayerPair[] => {
    if (unit.weights.length === 0) return [];
    const fileLayer = fileLayers.get(keys[index]);
    if (!fileLayer) return [{ unit, missing: 'not in the file' }];
    if (fileLayer.weights.length === 0) return [{ unit, missing: 'the file has no weights for it' }];
    return [{ unit, fileLayer }];
  });
}

/**
 * The n-th weighted model layer takes the n-th weighted file layer. The file may have more layers
 * after the model's (the rest of a backbone the model is cut from, a head): they stay unused.
 * Any doubt (see the header) throws TL4404 naming the model layer.
 */
function pairByOrder(model: tf.LayersModel, file: WeightsSource, source: string): LayerPair[] {
  const units = model.layers.filter((layer) => layer.weights.length > 0);
  const fileLayers = file.layers.filter((layer) => layer.weights.length > 0);
  const unordered = new Set(file.unordered ?? []);
  return units.map((unit, i): LayerPair => {
    const fileLayer = fileLayers[i];
    if (!fileLayer) {
      throw unpairableWeights(source, unit.name, `the file has only ${fileLayers.length} layers with weights, the model ${units.length} (it is not this architecture, or cut shorter)`);
    }
    const paired = `paired by order with the file's \`${fileLayer.name}\``;
    if (unordered.has(fileLayer.name)) {
      throw unpairableWeights(source, unit.name, `${paired}, a layer the file's modelTopology does not list, so its place in the order is unknown`);
    }
    const fileWeights = alignByName(fileLayer.weights, unit.weights);
    if (fileWeights.length !== unit.weights.length) {
      const count = (n: number) => `${n} weight${n === 1 ? '' : 's'}`;
      throw unpairableWeights(source, unit.name, `${paired}, which has ${count(fileWeights.length)} (${fileWeights.map((w) => shortWeightName(w.name)).join(', ')}) where the model layer has ${unit.weights.length} (${unit.weights.map((w) => shortWeightName(w.originalName)).join(', ')})`);
    }
    if (fileLayer.weightsInLayerOrder === false && fileWeights === fileLayer.weights && hasTwins(fileWeights)) {
      throw unpairableWeights(source, unit.name, `${paired}, whose weights (${fileWeights.map((w) => shortWeightName(w.name)).join(', ')}) are not named as the model's (${unit.weights.map((w) => shortWeightName(w.originalName)).join(', ')}) and share shapes, so the file (a weights manifest, sorted by name) does not say which is which`);
    }
    const differs = unit.weights.findIndex((w, k) => !compatibleShapes(fileWeights[k].shape, w.shape));
    if (differs >= 0) {
      const w = unit.weights[differs];
      throw unpairableWeights(source, unit.name, `${paired}, whose ${shortWeightName(w.originalName)} is [${fileWeights[differs].shape.join(', ')}] where the model's is [${w.shape.join(', ')}]`);
    }
    return { unit, fileLayer };
  });
}

/** Whether two of the weights have the same shape (so a shape check cannot tell them apart). */
function hasTwins(weights: FileWeight[]): boolean {
  const shapes = weights.map((w) => w.shape.join('x'));
  return new Set(shapes).size < shapes.length;
}

/**
 * Shapes a pair may have: equal, or RGB weights for a grayscale model (a kernel [kh, kw, 3, out]
 * for [kh, kw, 1, out], per-channel statistics [3] for [1]), which loading adapts.
 */
function compatibleShapes(file: number[], model: tf.Shape): boolean {
  if (file.length !== model.length) return false;
  return file.every((n, i) => n === model[i] || (n === 3 && model[i] === 1 && (file.length === 1 || i === 2)));
}

/**
 * The file's weights in the model layer's order: reordered by short name (`kernel`, `gamma`, …)
 * when both sides name the same set, else as the file has them (old Keras files name weights
 * differently, Keras 3 numbers them).
 */
export function alignByName(fileWeights: FileWeight[], modelWeights: tf.LayerVariable[]): FileWeight[] {
  const byName = new Map(fileWeights.map((w) => [shortWeightName(w.name), w]));
  const modelNames = modelWeights.map((w) => shortWeightName(w.originalName));
  if (byName.size !== fileWeights.length || modelNames.length !== fileWeights.length) return fileWeights;
  if (!modelNames.every((name) => byName.has(name))) return fileWeights;
  return modelNames.map((name) => byName.get(name)!);
}

/**
 * What takes weights together, in order: each layer, with nested models opened up unless the
 * file stores the nested model as one layer (Keras saves a Sequential inside a functional model,
 * like ConvNeXt's stem, as one layer whose weights are all of its layers' weights in order).
 */
export function weightUnits(model: tf.LayersModel, fileHasLayer: (name: string) => boolean): ModelLayer[] {
  return model.layers.flatMap((layer) =>
    layer instanceof tf.LayersModel && !fileHasLayer(layer.name) ? weightUnits(layer, fileHasLayer) : [layer],
  );
}

/**
 * How each model layer is keyed in the file: its name, or, for Keras 3 files, its class in
 * snake case numbered among the layers of that class (`conv2d`, `conv2d_1`, …) as Keras 3 saves.
 */
function layerKeys(layers: ModelLayer[], naming: WeightsSource['naming']): string[] {
  if (naming === 'layer-name') return layers.map((layer) => layer.name);
  const counts = new Map<string, number>();
  return layers.map((layer) => {
    const base = snakeCase(layer.getClassName());
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  });
}

/** Keras 3's `to_snake_case`: `BatchNormalization` -> `batch_normalization`, `Conv2D` -> `conv2d`. */
function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
