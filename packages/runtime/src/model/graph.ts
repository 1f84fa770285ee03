// The tfjs-layers graph internals that the model walks read (public fields on Layer and Node):
// the trunk/tail split, the ONNX exporter and the PyTorch code generator.
import type * as tf from '@tensorflow/tfjs';

/** One call of a layer: the tensors it took and made. */
export interface GraphNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}
export type GraphLayer = tf.layers.Layer & { inboundNodes: GraphNode[] };

/** The layer call that produced symbolic tensor `t`. */
export function producingNode(t: tf.SymbolicTensor): GraphNode {
  const node = (t.sourceLayer as GraphLayer).inboundNodes.find((n) => n.outputTensors.some((o) => o.id === t.id));
  if (!node) throw new Error(`cannot find the call of layer \`${t.sourceLayer.name}\` that made tensor ${t.name}`);
  return node;
}

/** A layer's own node: its first call, made when the model's graph was built. */
export function ownNode(layer: tf.layers.Layer): GraphNode {
  return (layer as GraphLayer).inboundNodes[0];
}
