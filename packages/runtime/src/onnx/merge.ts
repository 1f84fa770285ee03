// Merge layers: Add, Multiply, Average, Maximum, Minimum (element-wise, with ONNX
// broadcasting, as Keras broadcasts squeeze-and-excite gates) and Concatenate along an axis.
import { graphAxis, int } from './graph';
import { output, type ConvertContext, type LayerConverter } from './converter';

function sameRank(c: ConvertContext): number {
  const rank = c.inputs[0].shape.length;
  if (c.inputs.some((v) => v.shape.length !== rank)) {
    throw new Error(`layer \`${c.layer.name}\`: merging inputs of different ranks is not supported`);
  }
  return rank;
}

/** Folds the inputs pairwise with a binary op; the last node carries the layer's name. */
function elementwise(opType: string): LayerConverter {
  return (c) => {
    sameRank(c);
    if (c.inputs.length < 2) throw new Error(`layer \`${c.layer.name}\` needs at least two inputs`);
    let acc = c.inputs[0].name;
    c.inputs.slice(1).forEach((v, i) => {
      acc = c.graph.op(opType, [acc, v.name], {}, i === c.inputs.length - 2 ? c.layer.name : `${c.layer.name}/${i}`);
    });
    return output(c, acc);
  };
}

const average: LayerConverter = (c) => {
  sameRank(c);
  const sum = c.graph.op('Sum', c.inputs.map((v) => v.name), {}, `${c.layer.name}/sum`);
  const scale = c.graph.constant(`${c.layer.name}/scale`, [1 / c.inputs.length], []);
  return output(c, c.graph.op('Mul', [sum, scale], {}, c.layer.name));
};

const concatenate: LayerConverter = (c) => {
  const rank = sameRank(c);
  const axis = graphAxis(Number(c.config.axis ?? -1), rank);
  return output(c, c.graph.op('Concat', c.inputs.map((v) => v.name), { axis: int(axis) }, c.layer.name));
};

export const MERGE_CONVERTERS: Record<string, LayerConverter> = {
  Add: elementwise('Add'),
  Multiply: elementwise('Mul'),
  Maximum: elementwise('Max'),
  Minimum: elementwise('Min'),
  Average: average,
  Concatenate: concatenate,
};
