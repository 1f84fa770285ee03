// What a layer converter gets and returns: one tfjs-layers layer call (its config, weights, the
// graph values of its inputs, the tfjs shapes of its outputs) turned into ONNX nodes.
import type * as tf from '@tensorflow/tfjs';
import type { OnnxGraph, Value } from './graph';

export interface Weight {
  data: Float32Array;
  shape: number[];
}

export interface ConvertContext {
  layer: tf.layers.Layer;
  config: tf.serialization.ConfigDict;
  /** The graph values of the call's inputs, in order. */
  inputs: Value[];
  /** The tfjs shapes of the call's outputs. */
  outputShapes: (number | null)[][];
  graph: OnnxGraph;
  /** A weight by its short Keras name (`kernel`, `moving_mean`, …), permuted by `perm` if given. */
  weight(name: string, perm?: number[]): Weight | undefined;
}

/** Turns one layer call into graph values, one per output. */
export type LayerConverter = (context: ConvertContext) => Value[];

/** The layer's one input, refusing calls with several. */
export function singleInput(context: ConvertContext): Value {
  if (context.inputs.length !== 1) {
    throw new Error(`layer \`${context.layer.name}\` takes one input, got ${context.inputs.length}`);
  }
  return context.inputs[0];
}

/** A weight the layer must have. */
export function requiredWeight(context: ConvertContext, name: string, perm?: number[]): Weight {
  const w = context.weight(name, perm);
  if (!w) throw new Error(`layer \`${context.layer.name}\` has no weight \`${name}\``);
  return w;
}

/** One output value with the call's (only) output shape. */
export function output(context: ConvertContext, name: string): Value[] {
  return [{ name, shape: context.outputShapes[0] }];
}

/** A config entry that is one number or a pair, as a pair. */
export function pair(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  throw new Error(`expected a number or a pair, got ${JSON.stringify(value)}`);
}

/** Refuses channels-first layers (the zoo builds channels-last only). */
export function requireChannelsLast(context: ConvertContext): void {
  const format = context.config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channelsLast') {
    throw new Error(`layer \`${context.layer.name}\`: only channels-last data is supported, not ${String(format)}`);
  }
}
