// One emitter per tfjs-layers class: the Python constructor of the PyTorch module that computes
// what the layer computes (modules from tlc_torch/layers.py, with Keras's exact semantics), and
// where each of the layer's weights goes in PyTorch's layout. Layout convention as in the ONNX
// exporter: rank-4 values are NCHW in PyTorch, values of any other rank are as tfjs holds them.
// Static shapes are known here, so TF's 'same' padding becomes explicit pads per layer.
import type * as tf from '@tensorflow/tfjs';
import { samePads } from '../../onnx/padding';

/** A tfjs weight (by its short Keras name) stored in PyTorch as `param`, permuted by `perm`, reshaped to `shape`. */
export interface WeightPlacement {
  short: string;
  param: string;
  perm: number[] | null;
  /** PyTorch's shape when it differs from the permuted one (depthwise kernels). */
  shape?: number[];
}

export interface EmitContext {
  layer: tf.layers.Layer;
  config: tf.serialization.ConfigDict;
  inputShapes: (number | null)[][];
  outputShape: (number | null)[];
}

export interface Emitted {
  /** Python expression building the module. */
  module: string;
  weights: WeightPlacement[];
}

type Emitter = (c: EmitContext) => Emitted;

/** A Python literal for a JSON-like value. */
export function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a Python literal`);
    return Number.isInteger(value) ? String(value) : value.toPrecision(17).replace(/0+(e|$)/, '$1').replace(/\.$/, '.0');
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `(${value.map(py).join(', ')}${value.length === 1 ? ',' : ''})`;
  throw new Error(`cannot write ${JSON.stringify(value)} as a Python literal`);
}

function pair(value: unknown): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  throw new Error(`expected a number or a pair, got ${JSON.stringify(value)}`);
}

function channelsLast(c: EmitContext): void {
  const format = c.config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channelsLast') {
    throw new Error(`layer \`${c.layer.name}\`: only channels-last data is supported, not ${String(format)}`);
  }
}

function image(c: EmitContext): [number, number, number] {
  const shape = c.inputShapes[0];
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
    throw new Error(`layer \`${c.layer.name}\` needs an image input of known size, got [${shape.map(String)}]`);
  }
  channelsLast(c);
  return shape.slice(1) as [number, number, number];
}

/** (top, bottom, left, right) zero padding for a window, as TF pads (the odd pixel at the end). */
function windowPads(c: EmitContext, kernel: [number, number], strides: [number, number], dilations: [number, number]): number[] {
  const [height, width] = image(c);
  const padding = c.config.padding;
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw new Error(`layer \`${c.layer.name}\`: padding '${String(padding)}' is not supported`);
  return [...samePads(height, kernel[0], strides[0], dilations[0]), ...samePads(width, kernel[1], strides[1], dilations[1])];
}

function activation(c: EmitContext): string {
  return py(String(c.config.activation ?? 'linear'));
}

function hasBias(c: EmitContext): boolean {
  return c.config.useBias !== false && c.layer.weights.some((w) => w.originalName.endsWith('/bias'));
}

const conv2d: Emitter = (c) => {
  const [, , channels] = image(c);
  const kernel = pair(c.config.kernelSize);
  const strides = pair(c.config.strides ?? 1);
  const dilations = pair(c.config.dilationRate ?? 1);
  const bias = hasBias(c);
  return {
    module: `L.Conv2d(${channels}, ${Number(c.config.filters)}, ${py(kernel)}, ${py(strides)}, ${py(dilations)}, ${py(windowPads(c, kernel, strides, dilations))}, groups=1, bias=${py(bias)}, activation=${activation(c)})`,
    weights: [{ short: 'kernel', param: 'weight', perm: [3, 2, 0, 1] }, ...(bias ? [{ short: 'bias', param: 'bias', perm: null }] : [])],
  };
};

/** From the depthwise kernel's shape [kh, kw, in, multiplier] (tfjs's SeparableConv2D config omits it). */
function depthMultiplier(c: EmitContext): number {
  const kernel = c.layer.weights.find((w) => w.originalName.endsWith('/depthwise_kernel'));
  if (!kernel) throw new Error(`layer \`${c.layer.name}\` has no depthwise kernel`);
  return Number(kernel.shape[3]);
}

const depthwiseConv2d: Emitter = (c) => {
  const [, , channels] = image(c);
  const multiplier = depthMultiplier(c);
  const kernel = pair(c.config.kernelSize);
  const strides = pair(c.config.strides ?? 1);
  const dilations = pair(c.config.dilationRate ?? 1);
  const bias = hasBias(c);
  return {
    module: `L.Conv2d(${channels}, ${channels * multiplier}, ${py(kernel)}, ${py(strides)}, ${py(dilations)}, ${py(windowPads(c, kernel, strides, dilations))}, groups=${channels}, bias=${py(bias)}, activation=${activation(c)})`,
    weights: [
      { short: 'depthwise_kernel', param: 'weight', perm: [2, 3, 0, 1], shape: [channels * multiplier, 1, ...kernel] },
      ...(bias ? [{ short: 'bias', param: 'bias', perm: null }] : []),
    ],
  };
};

const separableConv2d: Emitter = (c) => {
  const [, , channels] = image(c);
  const multiplier = depthMultiplier(c);
  const kernel = pair(c.config.kernelSize);
  const strides = pair(c.config.strides ?? 1);
  const dilations = pair(c.config.dilationRate ?? 1);
  const bias = hasBias(c);
  return {
    module: `L.SeparableConv2d(${channels}, ${multiplier}, ${Number(c.config.filters)}, ${py(kernel)}, ${py(strides)}, ${py(dilations)}, ${py(windowPads(c, kernel, strides, dilations))}, bias=${py(bias)}, activation=${activation(c)})`,
    weights: [
      { short: 'depthwise_kernel', param: 'depthwise.weight', perm: [2, 3, 0, 1], shape: [channels * multiplier, 1, ...kernel] },
      { short: 'pointwise_kernel', param: 'pointwise.weight', perm: [3, 2, 0, 1] },
      ...(bias ? [{ short: 'bias', param: 'pointwise.bias', perm: null }] : []),
    ],
  };
};

const dense: Emitter = (c) => {
  const shape = c.inputShapes[0];
  const inputs = Number(shape[shape.length - 1]);
  const bias = hasBias(c);
  return {
    module: `L.Dense(${inputs}, ${Number(c.config.units)}, bias=${py(bias)}, activation=${activation(c)}, image=${py(shape.length === 4)})`,
    weights: [{ short: 'kernel', param: 'weight', perm: [1, 0] }, ...(bias ? [{ short: 'bias', param: 'bias', perm: null }] : [])],
  };
};

/** The one normalised axis, which must be the channel (last) axis. */
function channelAxis(c: EmitContext): number {
  const rank = c.inputShapes[0].length;
  const axes = Array.isArray(c.config.axis) ? (c.config.axis as number[]) : [Number(c.config.axis ?? -1)];
  const normalized = axes.map((a) => (a < 0 ? a + rank : a));
  if (normalized.length !== 1 || normalized[0] !== rank - 1) {
    throw new Error(`layer \`${c.layer.name}\`: only normalisation over the last (channel) axis is supported`);
  }
  return Number(c.inputShapes[0][rank - 1]);
}

function has(c: EmitContext, short: string): boolean {
  return c.layer.weights.some((w) => w.originalName.endsWith(`/${short}`));
}

const batchNormalization: Emitter = (c) => {
  const channels = channelAxis(c);
  const scale = has(c, 'gamma');
  const center = has(c, 'beta');
  // Keras: moving = momentum * moving + (1 - momentum) * batch; PyTorch's momentum is the other weight.
  const momentum = 1 - Number(c.config.momentum ?? 0.99);
  return {
    module: `L.BatchNorm(${channels}, eps=${py(Number(c.config.epsilon ?? 1e-3))}, momentum=${py(momentum)}, scale=${py(scale)}, center=${py(center)})`,
    weights: [
      ...(scale ? [{ short: 'gamma', param: 'weight', perm: null }] : []),
      ...(center ? [{ short: 'beta', param: 'bias', perm: null }] : []),
      { short: 'moving_mean', param: 'running_mean', perm: null },
      { short: 'moving_variance', param: 'running_var', perm: null },
    ],
  };
};

const layerNormalization: Emitter = (c) => {
  const channels = channelAxis(c);
  const scale = has(c, 'gamma');
  const center = has(c, 'beta');
  return {
    module: `L.LayerNorm(${channels}, eps=${py(Number(c.config.epsilon ?? 1e-3))}, scale=${py(scale)}, center=${py(center)})`,
    weights: [...(scale ? [{ short: 'gamma', param: 'weight', perm: null }] : []), ...(center ? [{ short: 'beta', param: 'bias', perm: null }] : [])],
  };
};

const none = (module: string): Emitted => ({ module, weights: [] });

const activationLayer: Emitter = (c) => none(`L.Activation(${activation(c)})`);
const relu: Emitter = (c) => none(`L.ReLU(${py(typeof c.config.maxValue === 'number' ? c.config.maxValue : null)})`);
const leakyRelu: Emitter = (c) => none(`L.LeakyReLU(${py(Number(c.config.alpha ?? 0.3))})`);
const elu: Emitter = (c) => none(`L.ELU(${py(Number(c.config.alpha ?? 1))})`);
const softmax: Emitter = (c) => {
  const axis = Array.isArray(c.config.axis) ? c.config.axis : [c.config.axis ?? -1];
  if (axis.length !== 1) throw new Error(`layer \`${c.layer.name}\`: softmax over several axes is not supported`);
  return none(`L.Softmax(${torchAxis(Number(axis[0]), c.inputShapes[0].length)})`);
};

function windowPool(kind: 'max' | 'avg'): Emitter {
  return (c) => {
    const kernel = pair(c.config.poolSize);
    const strides = pair(c.config.strides ?? c.config.poolSize);
    return none(`L.Pool2d(${py(kind)}, ${py(kernel)}, ${py(strides)}, ${py(windowPads(c, kernel, strides, [1, 1]))})`);
  };
}

function globalPool(kind: 'max' | 'avg', keepDims: boolean): Emitter {
  return (c) => {
    channelsLast(c);
    return none(`L.GlobalPool2d(${py(kind)}, keepdims=${py(keepDims)})`);
  };
}

/** Channel-axis position in PyTorch's layout for tfjs axis `axis` of a rank-`rank` value. */
function torchAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 4 ? [0, 2, 3, 1][a] : a;
}

function sameRank(c: EmitContext): number {
  const rank = c.inputShapes[0].length;
  if (c.inputShapes.some((s) => s.length !== rank)) throw new Error(`layer \`${c.layer.name}\`: merging inputs of different ranks is not supported`);
  return rank;
}

function merge(op: string): Emitter {
  return (c) => {
    sameRank(c);
    return none(`L.Merge(${py(op)})`);
  };
}

const concatenate: Emitter = (c) => none(`L.Concatenate(${torchAxis(Number(c.config.axis ?? -1), sameRank(c))})`);

function pads2d(value: unknown): number[] {
  const pairOf = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : [Number((v as number[])[0]), Number((v as number[])[1])]);
  if (typeof value === 'number') return [value, value, value, value];
  if (Array.isArray(value) && value.length === 2) return [...pairOf(value[0]), ...pairOf(value[1])];
  throw new Error(`expected 2-D padding or cropping, got ${JSON.stringify(value)}`);
}

const zeroPadding2d: Emitter = (c) => {
  image(c);
  return none(`L.ZeroPad2d(${py(pads2d(c.config.padding))})`);
};
const cropping2d: Emitter = (c) => {
  image(c);
  return none(`L.Crop2d(${py(pads2d(c.config.cropping))})`);
};
const reshape: Emitter = (c) => none(`L.Reshape(${py((c.config.targetShape as number[]).map(Number))}, from_image=${py(c.inputShapes[0].length === 4)})`);
const flatten: Emitter = (c) => none(`L.Flatten(from_image=${py(c.inputShapes[0].length === 4)})`);
const dropout: Emitter = (c) => none(`L.Dropout(${py(Number(c.config.rate ?? 0))})`);
const identity: Emitter = () => none('L.Identity()');

const asList = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : [Number(v ?? 0)]);

const rescaling: Emitter = (c) => none(`L.Affine(${py(asList(c.config.scale ?? 1))}, ${py(asList(c.config.offset ?? 0))})`);

const normalization: Emitter = (c) => {
  if (c.config.mean !== undefined && c.config.mean !== null) {
    return none(`L.Normalization(${channelAxis(c)}, mean=${py(asList(c.config.mean))}, variance=${py(asList(c.config.variance))})`);
  }
  return {
    module: `L.Normalization(${channelAxis(c)})`,
    weights: [
      { short: 'mean', param: 'mean', perm: null },
      { short: 'variance', param: 'variance', perm: null },
      { short: 'count', param: 'count', perm: null },
    ],
  };
};

const layerScale: Emitter = (c) => ({
  module: `L.LayerScale(${Number(c.config.projectionDim)})`,
  weights: [{ short: 'gamma', param: 'gamma', perm: null }],
});

const customScale: Emitter = (c) => {
  if (c.inputShapes.length !== 2) throw new Error(`layer \`${c.layer.name}\` takes two inputs [x, up]`);
  return none(`L.CustomScale(${py(Number(c.config.scale))})`);
};

const stochasticDepth: Emitter = (c) => none(`L.StochasticDepth(${py(Number(c.config.dropPathRate ?? 0))})`);

/** Every layer class the code generator handles, by tfjs class name (the ONNX exporter's set). */
export const EMITTERS: Record<string, Emitter> = {
  Activation: activationLayer,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  ELU: elu,
  Softmax: softmax,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Dense: dense,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  MaxPooling2D: windowPool('max'),
  AveragePooling2D: windowPool('avg'),
  GlobalAveragePooling2D: globalPool('avg', false),
  GlobalMaxPooling2D: globalPool('max', false),
  GlobalAveragePooling2DKeepDims: globalPool('avg', true),
  Add: merge('add'),
  Multiply: merge('multiply'),
  Maximum: merge('maximum'),
  Minimum: merge('minimum'),
  Average: merge('average'),
  Concatenate: concatenate,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  Reshape: reshape,
  Flatten: flatten,
  Dropout: dropout,
  SpatialDropout1D: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Rescaling: rescaling,
  Normalization: normalization,
  LayerScale: layerScale,
  CustomScaleLayer: customScale,
  StochasticDepth: stochasticDepth,
};
