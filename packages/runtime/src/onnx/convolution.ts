// Convolutions and dense layers: Conv2D, DepthwiseConv2D (a grouped Conv), SeparableConv2D
// (depthwise then pointwise) and Dense (Gemm-like MatMul on flat inputs, a 1x1 Conv on images).
// tfjs kernels are HWIO; ONNX wants OIHW, so each kernel is permuted once at export.
import { ints, int, type OnnxGraph, type Value } from './graph';
import { output, requireChannelsLast, requiredWeight, singleInput, type ConvertContext, type LayerConverter } from './converter';
import { convGeometry, windowPads } from './padding';
import { applyActivation } from './activation';

interface ConvSpec {
  weight: string;
  bias?: string;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pads: number[];
  group: number;
}

function conv(graph: OnnxGraph, x: string, spec: ConvSpec, base: string): string {
  const inputs = spec.bias ? [x, spec.weight, spec.bias] : [x, spec.weight];
  return graph.op(
    'Conv',
    inputs,
    {
      kernel_shape: ints(spec.kernel),
      strides: ints(spec.strides),
      dilations: ints(spec.dilations),
      pads: ints(spec.pads),
      group: int(spec.group),
    },
    base,
  );
}

function requireImage(c: ConvertContext, x: Value): void {
  if (x.shape.length !== 4) throw new Error(`layer \`${c.layer.name}\` needs an image (rank 4) input, got rank ${x.shape.length}`);
  requireChannelsLast(c);
}

function bias(c: ConvertContext): string | undefined {
  const b = c.config.useBias === false ? undefined : c.weight('bias');
  return b ? c.graph.constant(`${c.layer.name}/bias`, b.data, b.shape) : undefined;
}

/** The layer's activation applied to `y`, named after the layer. */
function activate(c: ConvertContext, y: string): Value[] {
  return output(c, applyActivation(c.graph, y, c.config.activation, c.outputShapes[0].length, c.layer.name));
}

const conv2d: LayerConverter = (c) => {
  const x = singleInput(c);
  requireImage(c, x);
  const { kernel, strides, dilations } = convGeometry(c.config);
  const w = requiredWeight(c, 'kernel', [3, 2, 0, 1]);
  const y = conv(c.graph, x.name, {
    weight: c.graph.constant(`${c.layer.name}/kernel`, w.data, w.shape),
    bias: bias(c),
    kernel,
    strides,
    dilations,
    pads: windowPads(c.config.padding, x.shape, kernel, strides, dilations),
    group: 1,
  }, c.layer.name);
  return activate(c, y);
};

/** A depthwise kernel [kh, kw, in, multiplier] as a grouped-Conv weight [in * multiplier, 1, kh, kw]. */
function depthwiseWeight(c: ConvertContext, name: string): { weight: string; channels: number } {
  const w = requiredWeight(c, name, [2, 3, 0, 1]);
  const [channels, multiplier, kh, kw] = w.shape;
  return { weight: c.graph.constant(`${c.layer.name}/${name}`, w.data, [channels * multiplier, 1, kh, kw]), channels };
}

const depthwiseConv2d: LayerConverter = (c) => {
  const x = singleInput(c);
  requireImage(c, x);
  const { kernel, strides, dilations } = convGeometry(c.config);
  const { weight, channels } = depthwiseWeight(c, 'depthwise_kernel');
  const y = conv(c.graph, x.name, {
    weight,
    bias: bias(c),
    kernel,
    strides,
    dilations,
    pads: windowPads(c.config.padding, x.shape, kernel, strides, dilations),
    group: channels,
  }, c.layer.name);
  return activate(c, y);
};

const separableConv2d: LayerConverter = (c) => {
  const x = singleInput(c);
  requireImage(c, x);
  const { kernel, strides, dilations } = convGeometry(c.config);
  const { weight, channels } = depthwiseWeight(c, 'depthwise_kernel');
  const depthwise = conv(c.graph, x.name, {
    weight,
    kernel,
    strides,
    dilations,
    pads: windowPads(c.config.padding, x.shape, kernel, strides, dilations),
    group: channels,
  }, `${c.layer.name}/depthwise`);
  const p = requiredWeight(c, 'pointwise_kernel', [3, 2, 0, 1]);
  const y = conv(c.graph, depthwise, {
    weight: c.graph.constant(`${c.layer.name}/pointwise_kernel`, p.data, p.shape),
    bias: bias(c),
    kernel: [1, 1],
    strides: [1, 1],
    dilations: [1, 1],
    pads: [0, 0, 0, 0],
    group: 1,
  }, c.layer.name);
  return activate(c, y);
};

const dense: LayerConverter = (c) => {
  const x = singleInput(c);
  const b = bias(c);
  let y: string;
  if (x.shape.length === 4) {
    // On an NCHW image, Dense over the channels is a 1x1 convolution.
    const w = requiredWeight(c, 'kernel', [1, 0]);
    const weight = c.graph.constant(`${c.layer.name}/kernel`, w.data, [w.shape[0], w.shape[1], 1, 1]);
    y = conv(c.graph, x.name, { weight, bias: b, kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1 }, c.layer.name);
  } else {
    const w = requiredWeight(c, 'kernel');
    y = c.graph.op('MatMul', [x.name, c.graph.constant(`${c.layer.name}/kernel`, w.data, w.shape)], {}, `${c.layer.name}/matmul`);
    if (b) y = c.graph.op('Add', [y, b], {}, c.layer.name);
  }
  return activate(c, y);
};

export const CONVOLUTION_CONVERTERS: Record<string, LayerConverter> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  Dense: dense,
};
