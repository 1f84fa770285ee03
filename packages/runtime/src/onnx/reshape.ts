// Layers that move or drop pixels without arithmetic: ZeroPadding2D, Cropping2D, Reshape and
// Flatten (which follow tfjs's NHWC element order, so an image is transposed back to NHWC before
// it is flattened or reshaped), and the layers that are the identity at inference (Dropout and
// its kin).
import { int, ints, type OnnxGraph, type Value } from './graph';
import { output, singleInput, type LayerConverter } from './converter';

function pads2d(value: unknown): [[number, number], [number, number]] {
  const pairOf = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : [Number((v as number[])[0]), Number((v as number[])[1])]);
  if (typeof value === 'number') return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) return [pairOf(value[0]), pairOf(value[1])];
  throw new Error(`expected 2-D padding or cropping, got ${JSON.stringify(value)}`);
}

const zeroPadding2d: LayerConverter = (c) => {
  const x = singleInput(c);
  const [[top, bottom], [left, right]] = pads2d(c.config.padding);
  const pads = c.graph.int64s(`${c.layer.name}/pads`, [0, 0, top, left, 0, 0, bottom, right]);
  return output(c, c.graph.op('Pad', [x.name, pads], {}, c.layer.name));
};

const cropping2d: LayerConverter = (c) => {
  const x = singleInput(c);
  const [[top, bottom], [left, right]] = pads2d(c.config.cropping);
  const [height, width] = [Number(x.shape[1]), Number(x.shape[2])];
  const starts = c.graph.int64s(`${c.layer.name}/starts`, [top, left]);
  const ends = c.graph.int64s(`${c.layer.name}/ends`, [height - bottom, width - right]);
  const axes = c.graph.int64s(`${c.layer.name}/axes`, [2, 3]);
  return output(c, c.graph.op('Slice', [x.name, starts, ends, axes], {}, c.layer.name));
};

/** The value in tfjs's own element order (NHWC for images). */
function inTfjsOrder(graph: OnnxGraph, x: Value, base: string): string {
  return x.shape.length === 4 ? graph.op('Transpose', [x.name], { perm: ints([0, 2, 3, 1]) }, `${base}/to_nhwc`) : x.name;
}

const reshape: LayerConverter = (c) => {
  const x = singleInput(c);
  const target = (c.config.targetShape as number[]).map(Number);
  const shape = c.graph.int64s(`${c.layer.name}/shape`, [0, ...target]);
  const outRank = target.length + 1;
  const reshaped = c.graph.op('Reshape', [inTfjsOrder(c.graph, x, c.layer.name), shape], {}, outRank === 4 ? `${c.layer.name}/nhwc` : c.layer.name);
  return output(c, outRank === 4 ? c.graph.op('Transpose', [reshaped], { perm: ints([0, 3, 1, 2]) }, c.layer.name) : reshaped);
};

const flatten: LayerConverter = (c) => {
  const x = singleInput(c);
  return output(c, c.graph.op('Flatten', [inTfjsOrder(c.graph, x, c.layer.name)], { axis: int(1) }, c.layer.name));
};

/** Layers that pass their input through unchanged at inference. */
export const identity: LayerConverter = (c) => output(c, singleInput(c).name);

export const RESHAPE_CONVERTERS: Record<string, LayerConverter> = {
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  Reshape: reshape,
  Flatten: flatten,
  Dropout: identity,
  SpatialDropout1D: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
};
