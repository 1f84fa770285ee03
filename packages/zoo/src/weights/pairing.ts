// Which file layer each model layer takes its weights from. By name (the default): Keras 2 .h5
// and tfjs files by layer name, Keras 3 `.weights.h5` files by class and rank. By order: the
// file's layers that have weights, in file order, zipped with the model's layers that have
// weights in `model.layers` order, as Keras's `load_weights_from_hdf5_group` does; for the
// `_notop.h5` files whose automatic names predate the model's (InceptionV3's `conv2d_1` is the
// model's `conv2d`), where matching by name would put weights one layer off.
import * as tf from '@tensorflow/tfjs';
import type { FileLayer, WeightsSource } from './source';

export type WeightsMatch = 'name' | 'order';

type ModelLayer = tf.layers.Layer;

/** A model layer with weights (or a nested model taken as one), and its file layer or why none. */
export type LayerPair = { unit: ModelLayer; fileLayer: FileLayer } | { unit: ModelLayer; missing: string };

export function pairLayers(model: tf.LayersModel, file: WeightsSource, match: WeightsMatch): LayerPair[] {
  // Keras 3 files are keyed by class and rank, which is an order already (their HDF5 keys are sorted).
  if (match === 'order' && file.naming === 'layer-name') return pairByOrder(model, file);
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
 * The n-th weighted model layer takes the n-th weighted file layer. When the counts differ the
 * file is not this architecture's (or not in its order): nothing is paired, and each layer says so.
 */
function pairByOrder(model: tf.LayersModel, file: WeightsSource): LayerPair[] {
  const units = model.layers.filter((layer) => layer.weights.length > 0);
  const fileLayers = file.layers.filter((layer) => layer.weights.length > 0);
  if (units.length !== fileLayers.length) {
    const missing = `matching by order, but the file has ${fileLayers.length} layers with weights and the model ${units.length}`;
    return units.map((unit) => ({ unit, missing }));
  }
  return units.map((unit, i) => ({ unit, fileLayer: fileLayers[i] }));
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
