// Splits a functional model at its freeze point into a frozen trunk (input .. cut layer, run
// forward only) and a trainable tail (cut output .. model output, trained in the custom loop).
// The tail re-applies the model's own layer objects to a new input, so it shares their weights:
// training the tail trains the full model. A global pooling layer right after the frozen layers
// (a head's `pool avg|max` on a wholly frozen backbone) goes into the trunk too: it has no weights
// and computes the same in training, so the feature cache holds pooled vectors, not feature maps.
import * as tf from '@tensorflow/tfjs';
import { ownNode } from './graph';

export interface SplitModel {
  /** input .. cut layer; null when nothing is frozen before a single-tensor cut point. */
  trunk: tf.LayersModel | null;
  /** The layer the trunk ends at (null without a trunk). */
  cutLayer: string | null;
  /** cut output .. model output (the full model itself without a trunk). */
  tail: tf.LayersModel;
}

function isInput(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/**
 * Layers after which exactly one tensor is live (produced so far and used later): the places a
 * model can be cut into two single-tensor halves. In the model's topological layer order.
 */
export function singleTensorCutPoints(model: tf.LayersModel): string[] {
  const layers = model.layers;
  const lastUse = new Map<number, number>();
  layers.forEach((layer, i) => {
    for (const t of ownNode(layer).inputTensors) lastUse.set(t.id, i);
  });
  for (const t of model.outputs) lastUse.set(t.id, layers.length);
  const live = new Set<number>();
  const points: string[] = [];
  layers.forEach((layer, i) => {
    const node = ownNode(layer);
    for (const t of node.outputTensors) if ((lastUse.get(t.id) ?? -1) > i) live.add(t.id);
    for (const t of [...live]) if ((lastUse.get(t) ?? -1) <= i) live.delete(t);
    const outputs = node.outputTensors;
    if (!isInput(layer) && live.size === 1 && outputs.length === 1 && live.has(outputs[0].id)) points.push(layer.name);
  });
  return points;
}

/** Parameter-free layers that behave the same in training and inference: nothing to train. */
const GLOBAL_POOLING = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

/** The global pooling that reads `cutLayer`'s output and is itself a cut point, if `layer` is one. */
function poolsCut(layer: tf.layers.Layer, cutLayer: string, model: tf.LayersModel, points: ReadonlySet<string>): boolean {
  const cutTensor = ownNode(model.getLayer(cutLayer)).outputTensors[0];
  const inputs = ownNode(layer).inputTensors;
  return GLOBAL_POOLING.has(layer.getClassName()) && points.has(layer.name) && inputs.length === 1 && inputs[0].id === cutTensor.id;
}

/**
 * The latest cut point such that every layer up to it is frozen, extended through a global
 * pooling that reads it when the cut ends the frozen layers; null if there is none.
 */
export function freezeCutPoint(model: tf.LayersModel, frozen: ReadonlySet<string>): string | null {
  const points = new Set(singleTensorCutPoints(model));
  let cut: string | null = null;
  let lastFrozen: string | null = null;
  for (const layer of model.layers) {
    if (isInput(layer)) continue;
    if (!frozen.has(layer.name)) {
      if (cut !== null && cut === lastFrozen && poolsCut(layer, cut, model, points)) cut = layer.name;
      break;
    }
    lastFrozen = layer.name;
    if (points.has(layer.name)) cut = layer.name;
  }
  return cut;
}

/** Builds a model from the cut layer's output to the model's output, sharing the layers. */
function tailFrom(model: tf.LayersModel, cutLayer: string): tf.LayersModel {
  const cutTensor = ownNode(model.getLayer(cutLayer)).outputTensors[0];
  const input = tf.input({ shape: cutTensor.shape.slice(1) as number[], name: `${cutLayer}_features` });
  const mapped = new Map<number, tf.SymbolicTensor>([[cutTensor.id, input]]);
  for (const layer of model.layers) {
    const node = ownNode(layer);
    const inputs = node.inputTensors;
    const known = inputs.filter((t) => mapped.has(t.id));
    if (known.length === 0) continue;
    if (known.length < inputs.length) {
      throw new Error(`cannot split the model at \`${cutLayer}\`: layer \`${layer.name}\` also reads a tensor from before it`);
    }
    const args = inputs.map((t) => mapped.get(t.id) as tf.SymbolicTensor);
    const out = layer.apply(args.length === 1 ? args[0] : args);
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((t, i) => mapped.set(t.id, outs[i] as tf.SymbolicTensor));
  }
  const outputs = model.outputs.map((t) => {
    const o = mapped.get(t.id);
    if (!o) throw new Error(`cannot split the model at \`${cutLayer}\`: the output does not depend on it`);
    return o;
  });
  return tf.model({ inputs: input, outputs: outputs.length === 1 ? outputs[0] : outputs, name: `${model.name}_tail` });
}

/** Splits `model` at the last single-tensor cut point inside the frozen layers. */
export function splitAtFreezePoint(model: tf.LayersModel, frozen: ReadonlySet<string>): SplitModel {
  const cutLayer = freezeCutPoint(model, frozen);
  if (cutLayer === null) return { trunk: null, cutLayer: null, tail: model };
  const cutTensor = ownNode(model.getLayer(cutLayer)).outputTensors[0];
  const trunk = tf.model({ inputs: model.inputs, outputs: cutTensor, name: `${model.name}_trunk` });
  return { trunk, cutLayer, tail: tailFrom(model, cutLayer) };
}
