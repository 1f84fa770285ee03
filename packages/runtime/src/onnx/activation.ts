// Activations: the functions conv/dense layers apply through their `activation` config, and the
// Activation, ReLU, LeakyReLU, ELU and Softmax layers, with tfjs's exact definitions (gelu with
// erf, hard-sigmoid as clip(0.2x + 0.5), swish as x * sigmoid(x)).
import { graphAxis, float, int, type OnnxGraph } from './graph';
import { output, singleInput, type LayerConverter } from './converter';

function scalar(graph: OnnxGraph, base: string, value: number): string {
  return graph.constant(base, [value], []);
}

/** Applies tfjs activation `name` to graph value `x` of rank `rank`; returns the result's name. */
export function applyActivation(graph: OnnxGraph, x: string, name: unknown, rank: number, base: string): string {
  switch (name ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return graph.op('Relu', [x], {}, `${base}/relu`);
    case 'relu6':
      return clip(graph, x, 0, 6, base);
    case 'sigmoid':
      return graph.op('Sigmoid', [x], {}, `${base}/sigmoid`);
    case 'tanh':
      return graph.op('Tanh', [x], {}, `${base}/tanh`);
    case 'hardSigmoid':
    case 'hard_sigmoid':
      return graph.op('HardSigmoid', [x], { alpha: float(0.2), beta: float(0.5) }, `${base}/hard_sigmoid`);
    case 'swish':
    case 'silu':
      return graph.op('Mul', [x, graph.op('Sigmoid', [x], {}, `${base}/sigmoid`)], {}, `${base}/swish`);
    case 'gelu': {
      // x * 0.5 * (1 + erf(x / sqrt(2))), in the order onnxruntime fuses into one Gelu.
      const scaled = graph.op('Div', [x, scalar(graph, `${base}/sqrt2`, Math.SQRT2)], {}, `${base}/div`);
      const erf = graph.op('Erf', [scaled], {}, `${base}/erf`);
      const shifted = graph.op('Add', [erf, scalar(graph, `${base}/one`, 1)], {}, `${base}/add`);
      const product = graph.op('Mul', [x, shifted], {}, `${base}/mul`);
      return graph.op('Mul', [product, scalar(graph, `${base}/half`, 0.5)], {}, `${base}/gelu`);
    }
    case 'gelu_new': {
      // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))
      const cube = graph.op('Mul', [x, graph.op('Mul', [x, x], {}, `${base}/sq`)], {}, `${base}/cube`);
      const inner = graph.op('Add', [x, graph.op('Mul', [cube, scalar(graph, `${base}/c`, 0.044715)], {}, `${base}/cx`)], {}, `${base}/inner`);
      const t = graph.op('Tanh', [graph.op('Mul', [inner, scalar(graph, `${base}/k`, Math.sqrt(2 / Math.PI))], {}, `${base}/kx`)], {}, `${base}/tanh`);
      const shifted = graph.op('Add', [t, scalar(graph, `${base}/one`, 1)], {}, `${base}/add`);
      return graph.op('Mul', [graph.op('Mul', [x, shifted], {}, `${base}/mul`), scalar(graph, `${base}/half`, 0.5)], {}, `${base}/gelu`);
    }
    case 'softmax':
      return graph.op('Softmax', [x], { axis: int(graphAxis(-1, rank)) }, `${base}/softmax`);
    case 'logSoftmax':
      return graph.op('LogSoftmax', [x], { axis: int(graphAxis(-1, rank)) }, `${base}/log_softmax`);
    case 'elu':
      return graph.op('Elu', [x], { alpha: float(1) }, `${base}/elu`);
    case 'selu':
      return graph.op('Selu', [x], {}, `${base}/selu`);
    case 'softplus':
      return graph.op('Softplus', [x], {}, `${base}/softplus`);
    case 'softsign':
      return graph.op('Softsign', [x], {}, `${base}/softsign`);
    case 'mish':
      return graph.op('Mul', [x, graph.op('Tanh', [graph.op('Softplus', [x], {}, `${base}/softplus`)], {}, `${base}/tanh`)], {}, `${base}/mish`);
    default:
      throw new Error(`activation '${String(name)}' is not supported by the ONNX export`);
  }
}

function clip(graph: OnnxGraph, x: string, min: number, max: number, base: string): string {
  return graph.op('Clip', [x, scalar(graph, `${base}/min`, min), scalar(graph, `${base}/max`, max)], {}, `${base}/clip`);
}

const activationLayer: LayerConverter = (c) => {
  const x = singleInput(c);
  return output(c, applyActivation(c.graph, x.name, c.config.activation, x.shape.length, c.layer.name));
};

const reluLayer: LayerConverter = (c) => {
  const x = singleInput(c);
  const max = c.config.maxValue;
  const name = typeof max === 'number' ? clip(c.graph, x.name, 0, max, c.layer.name) : c.graph.op('Relu', [x.name], {}, c.layer.name);
  return output(c, name);
};

const leakyReluLayer: LayerConverter = (c) =>
  output(c, c.graph.op('LeakyRelu', [singleInput(c).name], { alpha: float(Number(c.config.alpha ?? 0.3)) }, c.layer.name));

const eluLayer: LayerConverter = (c) =>
  output(c, c.graph.op('Elu', [singleInput(c).name], { alpha: float(Number(c.config.alpha ?? 1)) }, c.layer.name));

const softmaxLayer: LayerConverter = (c) => {
  const x = singleInput(c);
  const axis = Array.isArray(c.config.axis) ? c.config.axis : [c.config.axis ?? -1];
  if (axis.length !== 1) throw new Error(`layer \`${c.layer.name}\`: softmax over several axes is not supported`);
  return output(c, c.graph.op('Softmax', [x.name], { axis: int(graphAxis(Number(axis[0]), x.shape.length)) }, c.layer.name));
};

export const ACTIVATION_CONVERTERS: Record<string, LayerConverter> = {
  Activation: activationLayer,
  ReLU: reluLayer,
  LeakyReLU: leakyReluLayer,
  ELU: eluLayer,
  Softmax: softmaxLayer,
};
