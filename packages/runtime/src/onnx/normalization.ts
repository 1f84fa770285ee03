// BatchNormalization (inference: moving statistics, onnxruntime folds it into the convolution
// before it) and LayerNormalization over the channel axis (on images, written out as reductions
// over the NCHW channel axis, since ONNX's LayerNormalization normalises trailing axes only).
import { channelShape, float, graphAxis, int, ints, type OnnxGraph } from './graph';
import { output, singleInput, type ConvertContext, type LayerConverter } from './converter';

/** The per-channel weight `name`, or `fill` repeated when the layer has none (center/scale off). */
function channelWeight(c: ConvertContext, name: string, channels: number, fill: number, rank: number, shape?: number[]): string {
  const w = c.weight(name);
  const data = w ? w.data : new Float32Array(channels).fill(fill);
  return c.graph.constant(`${c.layer.name}/${name}`, data, shape ?? channelShape(channels, rank));
}

/** The layer's one normalised axis, which must be the channel (last) axis. */
function channelAxisOnly(c: ConvertContext, rank: number): number {
  const axes = Array.isArray(c.config.axis) ? (c.config.axis as number[]) : [Number(c.config.axis ?? -1)];
  const normalized = axes.map((a) => (a < 0 ? a + rank : a));
  if (normalized.length !== 1 || normalized[0] !== rank - 1) {
    throw new Error(`layer \`${c.layer.name}\`: only normalisation over the last (channel) axis is supported`);
  }
  return rank - 1;
}

const batchNormalization: LayerConverter = (c) => {
  const x = singleInput(c);
  const rank = x.shape.length;
  channelAxisOnly(c, rank);
  const channels = Number(x.shape[rank - 1]);
  if (rank !== 4 && rank !== 2) throw new Error(`layer \`${c.layer.name}\`: batch normalisation of rank ${rank} is not supported`);
  const flat = [channels];
  const y = c.graph.op(
    'BatchNormalization',
    [
      x.name,
      channelWeight(c, 'gamma', channels, 1, rank, flat),
      channelWeight(c, 'beta', channels, 0, rank, flat),
      channelWeight(c, 'moving_mean', channels, 0, rank, flat),
      channelWeight(c, 'moving_variance', channels, 1, rank, flat),
    ],
    { epsilon: float(Number(c.config.epsilon ?? 1e-3)) },
    c.layer.name,
  );
  return output(c, y);
};

/** (x - mean) / sqrt(var + eps) over graph axis `axis`, as tfjs's moments + batchNorm compute it. */
function normalizeOverAxis(graph: OnnxGraph, x: string, axis: number, epsilon: number, base: string): string {
  const reduce = (v: string, name: string) => graph.op('ReduceMean', [v], { axes: ints([axis]), keepdims: int(1) }, `${base}/${name}`);
  const centered = graph.op('Sub', [x, reduce(x, 'mean')], {}, `${base}/centered`);
  const variance = reduce(graph.op('Mul', [centered, centered], {}, `${base}/squared`), 'variance');
  const shifted = graph.op('Add', [variance, graph.constant(`${base}/epsilon`, [epsilon], [])], {}, `${base}/variance_eps`);
  return graph.op('Div', [centered, graph.op('Sqrt', [shifted], {}, `${base}/std`)], {}, `${base}/normalized`);
}

const layerNormalization: LayerConverter = (c) => {
  const x = singleInput(c);
  const rank = x.shape.length;
  const axis = channelAxisOnly(c, rank);
  const channels = Number(x.shape[axis]);
  const epsilon = Number(c.config.epsilon ?? 1e-3);
  const gamma = channelWeight(c, 'gamma', channels, 1, rank);
  const beta = channelWeight(c, 'beta', channels, 0, rank);
  if (rank !== 4) {
    const y = c.graph.op('LayerNormalization', [x.name, gamma, beta], { axis: int(-1), epsilon: float(epsilon) }, c.layer.name);
    return output(c, y);
  }
  const normalized = normalizeOverAxis(c.graph, x.name, graphAxis(axis, rank), epsilon, c.layer.name);
  const scaled = c.graph.op('Mul', [normalized, gamma], {}, `${c.layer.name}/scaled`);
  return output(c, c.graph.op('Add', [scaled, beta], {}, c.layer.name));
};

export const NORMALIZATION_CONVERTERS: Record<string, LayerConverter> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
};
