// Exports a tfjs-layers image model (or its trunk up to one layer) to an ONNX graph: walks the
// layer graph back from the output tensor, converting each layer call once (nested models such
// as ConvNeXt's Sequential stem are walked inside, with their inputs bound to the caller's
// values), with the weights as initializers. The graph takes and gives NHWC like tfjs: one
// transpose to NCHW after the input and one back before an image output. It can also apply the
// run's preprocessing to its input (an InputTransform) so callers feed raw pixels.
import * as tf from '@tensorflow/tfjs';
import { int, ints, OnnxGraph, type Value } from './graph';
import { CONVERTERS } from './converters';
import type { ConvertContext } from './converter';
import { permute } from './permute';
import { ownNode, producingNode, type GraphNode } from '../model/graph';

/** An affine map the graph applies to its input first: y = reorder(x) * scale[c] + offset[c]. */
export interface InputTransform {
  /** Reverse the channel order (RGB to BGR) first. */
  reverseChannels: boolean;
  scale: number[];
  offset: number[];
}

export interface ExportOptions {
  /** End the graph at this (top-level) layer's output instead of the model's. */
  outputLayer?: string;
  /** Preprocessing to apply to the input inside the graph. */
  inputTransform?: InputTransform;
  /**
   * A classifier's output made class probabilities, as the runtime reads them (train/loss.ts):
   * a linear head's logits through softmax (sigmoid for one unit), and one sigmoid unit as the
   * two columns [1 - p, p]. The output is then named `probabilities` instead of `features`.
   */
  probabilities?: { activation: 'none' | 'softmax' | 'sigmoid'; twoColumns: boolean };
}

/** The graph's fixed input and output names. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'features';
/** The output name of a whole classifier exported with `probabilities`. */
export const ONNX_PROBABILITIES = 'probabilities';


/** The output tensor of a top-level layer as the model built it (its first call). */
function layerOutput(model: tf.LayersModel, name: string): tf.SymbolicTensor {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new Error(`the model has no layer \`${name}\``);
  }
  const outputs = ownNode(layer).outputTensors;
  if (outputs.length !== 1) throw new Error(`layer \`${name}\` has ${outputs.length} outputs; a trunk must end in one tensor`);
  return outputs[0];
}

function weightReader(layer: tf.layers.Layer): ConvertContext['weight'] {
  return (name, perm) => {
    const variable = layer.weights.find((w) => (w.originalName ?? w.name).split('/').pop()?.replace(/(_\d+)?(:\d+)?$/, '') === name);
    if (!variable) return undefined;
    // Read only (never written), so the backend's own array serves without a copy.
    const data = variable.read().dataSync() as Float32Array;
    const shape = variable.shape as number[];
    return perm ? permute(data, shape, perm) : { data, shape };
  };
}

class Exporter {
  constructor(readonly graph: OnnxGraph) {}

  /** The graph value of `t`, converting the layers it depends on first. Values live in `scope`. */
  valueOf(t: tf.SymbolicTensor, scope: Map<number, Value>): Value {
    const known = scope.get(t.id);
    if (known) return known;
    const layer = t.sourceLayer;
    if (layer.getClassName() === 'InputLayer') throw new Error(`the model reads input \`${layer.name}\`, which the export does not feed`);
    const node = producingNode(t);
    const inputs = node.inputTensors.map((i) => this.valueOf(i, scope));
    const outputs = layer instanceof tf.LayersModel ? this.nested(layer, inputs) : this.convert(layer, node, inputs);
    node.outputTensors.forEach((o, i) => scope.set(o.id, outputs[i]));
    return scope.get(t.id) as Value;
  }

  private nested(model: tf.LayersModel, inputs: Value[]): Value[] {
    const scope = new Map<number, Value>();
    model.inputs.forEach((t, i) => scope.set(t.id, { ...inputs[i], shape: t.shape }));
    return model.outputs.map((t) => this.valueOf(t, scope));
  }

  private convert(layer: tf.layers.Layer, node: GraphNode, inputs: Value[]): Value[] {
    const className = layer.getClassName();
    const converter = CONVERTERS[className];
    if (!converter) throw new Error(`layer \`${layer.name}\` (${className}) cannot be exported to ONNX`);
    return converter({
      layer,
      config: layer.getConfig(),
      inputs,
      outputShapes: node.outputTensors.map((o) => o.shape),
      graph: this.graph,
      weight: weightReader(layer),
    });
  }
}

/** The input transform on the NCHW input: a channel gather, then one multiply and one add. */
function transformInput(graph: OnnxGraph, x: string, transform: InputTransform, channels: number): string {
  if (transform.scale.length !== channels || transform.offset.length !== channels) {
    throw new Error(`the input transform has ${transform.scale.length} scales and ${transform.offset.length} offsets for ${channels} channels`);
  }
  const shape = [1, channels, 1, 1];
  let y = x;
  if (transform.reverseChannels) {
    const order = graph.int64s('input/channel_order', Array.from({ length: channels }, (_, c) => channels - 1 - c));
    y = graph.op('Gather', [y, order], { axis: int(1) }, 'input_reordered');
  }
  if (transform.scale.some((v) => v !== 1)) y = graph.op('Mul', [y, graph.constant('input/scale', transform.scale, shape)], {}, 'input_scaled');
  if (transform.offset.some((v) => v !== 0)) y = graph.op('Add', [y, graph.constant('input/offset', transform.offset, shape)], {}, 'input_shifted');
  return y;
}

/** Static [height, width, channels] of the model's one image input. */
function imageInputShape(model: tf.LayersModel): [number, number, number] {
  if (model.inputs.length !== 1) throw new Error(`the ONNX export needs a model with one input, not ${model.inputs.length}`);
  const shape = model.inputs[0].shape;
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
    throw new Error(`the ONNX export needs an image input of known size, got [${shape.map(String)}]`);
  }
  return shape.slice(1) as [number, number, number];
}

/** The symbolic tensor a graph exported with `options` ends at. */
export function exportTarget(model: tf.LayersModel, options: ExportOptions = {}): tf.SymbolicTensor {
  if (options.outputLayer) return layerOutput(model, options.outputLayer);
  if (model.outputs.length !== 1) throw new Error(`the model has ${model.outputs.length} outputs; name the one layer the graph ends at`);
  return model.outputs[0];
}

/** ONNX ModelProto bytes computing the model's (or its trunk's) output from NHWC float32 images. */
export function exportToOnnx(model: tf.LayersModel, options: ExportOptions = {}): Uint8Array {
  const [height, width, channels] = imageInputShape(model);
  const target = exportTarget(model, options);
  const graph = new OnnxGraph();
  const outputName = options.probabilities ? ONNX_PROBABILITIES : ONNX_OUTPUT;
  graph.fresh(ONNX_INPUT);
  graph.fresh(outputName);
  const input = model.inputs[0];
  let nchw = graph.op('Transpose', [ONNX_INPUT], { perm: ints([0, 3, 1, 2]) }, 'input_nchw');
  if (options.inputTransform) nchw = transformInput(graph, nchw, options.inputTransform, channels);
  let result = new Exporter(graph).valueOf(target, new Map([[input.id, { name: nchw, shape: input.shape }]]));
  if (options.probabilities) result = probabilitiesOf(graph, result, options.probabilities);
  const image = result.shape.length === 4;
  graph.addNode(image ? 'Transpose' : 'Identity', [result.name], outputName, image ? { perm: ints([0, 2, 3, 1]) } : {});
  const outputShape = ['batch', ...result.shape.slice(1).map((d) => (d === null ? '?' : d))];
  return graph.encode({ name: ONNX_INPUT, shape: ['batch', height, width, channels] }, { name: outputName, shape: outputShape });
}

/** The classifier output [batch, units] as class probabilities (see ExportOptions.probabilities). */
function probabilitiesOf(graph: OnnxGraph, result: Value, how: NonNullable<ExportOptions['probabilities']>): Value {
  if (result.shape.length !== 2) throw new Error(`a classifier's output is [batch, units], not [${result.shape.map(String)}]`);
  let name = result.name;
  if (how.activation === 'softmax') name = graph.op('Softmax', [name], { axis: int(1) }, 'output_softmax');
  if (how.activation === 'sigmoid') name = graph.op('Sigmoid', [name], {}, 'output_sigmoid');
  if (!how.twoColumns) return { name, shape: result.shape };
  const complement = graph.op('Sub', [graph.constant('output/one', [1], []), name], {}, 'output_complement');
  return { name: graph.op('Concat', [complement, name], { axis: int(1) }, 'output_two_columns'), shape: [result.shape[0], 2] };
}
