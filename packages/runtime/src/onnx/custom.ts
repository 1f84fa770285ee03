// The zoo's own layers (packages/zoo/src/layers): Rescaling and Normalization (as one multiply
// and one add per channel), LayerScale, CustomScaleLayer, and StochasticDepth (the identity at
// inference).
import { channelShape, type OnnxGraph, type Value } from './graph';
import { output, requiredWeight, singleInput, type LayerConverter } from './converter';
import { identity } from './reshape';

/** x * scale + offset, with scalars or per-channel arrays. */
function affine(graph: OnnxGraph, x: Value, scale: number[], offset: number[], base: string): string {
  const rank = x.shape.length;
  const constant = (name: string, values: number[]) =>
    graph.constant(`${base}/${name}`, values, values.length === 1 ? [] : channelShape(values.length, rank));
  const scaled = scale.every((s) => s === 1) ? x.name : graph.op('Mul', [x.name, constant('scale', scale)], {}, `${base}/scaled`);
  return offset.every((o) => o === 0) ? graph.op('Identity', [scaled], {}, base) : graph.op('Add', [scaled, constant('offset', offset)], {}, base);
}

const asList = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : [Number(v ?? 0)]);

const rescaling: LayerConverter = (c) => {
  const x = singleInput(c);
  return output(c, affine(c.graph, x, asList(c.config.scale ?? 1), asList(c.config.offset ?? 0), c.layer.name));
};

/** (x - mean) / max(sqrt(variance), 1e-7), as the zoo's Normalization computes it. */
const normalization: LayerConverter = (c) => {
  const x = singleInput(c);
  const mean = c.config.mean !== undefined ? asList(c.config.mean) : Array.from(requiredWeight(c, 'mean').data);
  const variance = c.config.variance !== undefined ? asList(c.config.variance) : Array.from(requiredWeight(c, 'variance').data);
  const scale = variance.map((v) => 1 / Math.max(Math.sqrt(v), 1e-7));
  const offset = mean.map((m, i) => -m * scale[i]);
  return output(c, affine(c.graph, x, scale, offset, c.layer.name));
};

const layerScale: LayerConverter = (c) => {
  const x = singleInput(c);
  const gamma = requiredWeight(c, 'gamma');
  const constant = c.graph.constant(`${c.layer.name}/gamma`, gamma.data, channelShape(gamma.data.length, x.shape.length));
  return output(c, c.graph.op('Mul', [x.name, constant], {}, c.layer.name));
};

const customScale: LayerConverter = (c) => {
  if (c.inputs.length !== 2) throw new Error(`layer \`${c.layer.name}\` takes two inputs [x, up]`);
  const [x, up] = c.inputs;
  const scale = c.graph.constant(`${c.layer.name}/scale`, [Number(c.config.scale)], []);
  const scaled = c.graph.op('Mul', [up.name, scale], {}, `${c.layer.name}/scaled`);
  return output(c, c.graph.op('Add', [x.name, scaled], {}, c.layer.name));
};

export const CUSTOM_CONVERTERS: Record<string, LayerConverter> = {
  Rescaling: rescaling,
  Normalization: normalization,
  LayerScale: layerScale,
  CustomScaleLayer: customScale,
  StochasticDepth: identity,
};
