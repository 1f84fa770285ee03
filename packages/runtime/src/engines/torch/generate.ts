// Code generation: a tfjs-layers model (the plan's assembled model: zoo backbone, cut, head) as
// the source of a PyTorch nn.Module. The layer graph is walked back from the output as the ONNX
// exporter walks it (nested models such as ConvNeXt's stem are walked inside); each layer becomes
// one module in a ModuleDict under its Keras name (so the plan's frozen-layer list applies by
// name), and forward() is one line per layer call. Alongside the source comes the weight map:
// which tfjs weight is which PyTorch parameter or buffer, in which layout.
import * as tf from '@tensorflow/tfjs';
import { producingNode, type GraphNode } from '../../model/graph';
import { EMITTERS, type WeightPlacement } from './layers';

/** One tfjs weight's place in the generated module's state_dict. */
export interface TorchWeight {
  /** The tfjs weight's originalName (`conv1/kernel`). */
  tfjs: string;
  /** The state_dict key (`layers.conv1.weight`). */
  torch: string;
  /** tfjs's shape. */
  tfjsShape: number[];
  /** Axis permutation from tfjs's layout to PyTorch's (null: the same layout). */
  perm: number[] | null;
  /** PyTorch's shape. */
  torchShape: number[];
  /** A trainable parameter (true) or a buffer (moving statistics). */
  trainable: boolean;
}

export interface GeneratedModule {
  /** Python source of the module (imports tlc_torch.layers). */
  source: string;
  weights: TorchWeight[];
  /** Layer names in order of the forward pass (the ModuleDict's keys). */
  layers: string[];
  /** NHWC input shape without the batch. */
  inputShape: number[];
}

/** A weight's short Keras name (`conv1/kernel` -> `kernel`). */
function shortName(w: tf.LayerVariable): string {
  return (w.originalName ?? w.name).split('/').pop()!.replace(/(_\d+)?(:\d+)?$/, '');
}

/** The ModuleDict key of Keras layer `name`: PyTorch forbids '.' in module names (TF-Keras's `tf.__operators__.add`). */
export function moduleKey(name: string): string {
  return name.replace(/\./g, '\u00b7');
}

function permuted(shape: number[], perm: number[] | null): number[] {
  return perm ? perm.map((p) => shape[p]) : shape;
}

class Generator {
  readonly declarations: string[] = [];
  readonly lines: string[] = [];
  readonly weights: TorchWeight[] = [];
  readonly layers: string[] = [];
  private readonly modules = new Map<tf.layers.Layer, string>();
  private counter = 0;

  valueOf(t: tf.SymbolicTensor, scope: Map<number, string>): string {
    const known = scope.get(t.id);
    if (known) return known;
    const layer = t.sourceLayer;
    if (layer.getClassName() === 'InputLayer') throw new Error(`the model reads input \`${layer.name}\`, which the module does not feed`);
    const node = producingNode(t);
    const inputs = node.inputTensors.map((i) => this.valueOf(i, scope));
    const outputs = layer instanceof tf.LayersModel ? this.nested(layer, inputs) : [this.call(layer, node, inputs)];
    if (outputs.length !== node.outputTensors.length) throw new Error(`layer \`${layer.name}\` has ${node.outputTensors.length} outputs; one is supported`);
    node.outputTensors.forEach((o, i) => scope.set(o.id, outputs[i]));
    return scope.get(t.id)!;
  }

  private nested(model: tf.LayersModel, inputs: string[]): string[] {
    const scope = new Map<number, string>();
    model.inputs.forEach((t, i) => scope.set(t.id, inputs[i]));
    return model.outputs.map((t) => this.valueOf(t, scope));
  }

  private call(layer: tf.layers.Layer, node: GraphNode, inputs: string[]): string {
    const key = this.module(layer, node);
    const out = `x${++this.counter}`;
    const args = inputs.length === 1 ? inputs[0] : `[${inputs.join(', ')}]`;
    this.lines.push(`        ${out} = m[${JSON.stringify(key)}](${args})`);
    return out;
  }

  /** The layer's module key, declaring the module and placing its weights on first use. */
  private module(layer: tf.layers.Layer, node: GraphNode): string {
    const known = this.modules.get(layer);
    if (known) return known;
    const className = layer.getClassName();
    const emitter = EMITTERS[className];
    if (!emitter) throw new Error(`layer \`${layer.name}\` (${className}) has no PyTorch equivalent in the torch engine`);
    const key = moduleKey(layer.name);
    if (key === '' || [...this.modules.values()].includes(key)) throw new Error(`layer name \`${layer.name}\` cannot name a PyTorch module (empty or twice)`);
    const emitted = emitter({
      layer,
      config: layer.getConfig(),
      inputShapes: node.inputTensors.map((t) => t.shape),
      outputShape: node.outputTensors[0].shape,
    });
    this.modules.set(layer, key);
    this.layers.push(layer.name);
    this.declarations.push(`        m[${JSON.stringify(key)}] = ${emitted.module}`);
    this.place(layer, key, emitted.weights);
    return key;
  }

  private place(layer: tf.layers.Layer, key: string, placements: WeightPlacement[]): void {
    const byShort = new Map(layer.weights.map((w) => [shortName(w), w]));
    for (const p of placements) {
      const w = byShort.get(p.short);
      if (!w) throw new Error(`layer \`${layer.name}\` has no weight \`${p.short}\``);
      byShort.delete(p.short);
      const tfjsShape = w.shape as number[];
      this.weights.push({
        tfjs: w.originalName,
        torch: `layers.${key}.${p.param}`,
        tfjsShape,
        perm: p.perm,
        torchShape: p.shape ?? permuted(tfjsShape, p.perm),
        trainable: w.trainable !== false && !/^(moving_|mean$|variance$|count$)/.test(p.short),
      });
    }
    if (byShort.size > 0) throw new Error(`layer \`${layer.name}\`: weights ${[...byShort.keys()].join(', ')} have no place in the PyTorch module`);
  }
}

/** The Python source and weight map of `model` (one NHWC image input, one output). */
export function generateTorchModule(model: tf.LayersModel, options: { title?: string } = {}): GeneratedModule {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('the torch engine needs a model with one input and one output');
  const input = model.inputs[0];
  const shape = input.shape;
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) throw new Error(`the torch engine needs an image input of known size, got [${shape.map(String)}]`);
  const generator = new Generator();
  const output = generator.valueOf(model.outputs[0], new Map([[input.id, 'x0']]));
  const inputShape = shape.slice(1) as number[];
  const source = [
    `# Generated by tlc from the Keras layer graph of ${options.title ?? model.name}: do not edit.`,
    '# Every Keras layer is one module under its Keras name; rank-4 values are NCHW.',
    'import torch',
    'from tlc_torch import layers as L',
    '',
    '',
    'class Model(torch.nn.Module):',
    `    input_shape = ${JSON.stringify(inputShape).replace('[', '(').replace(']', ')')}  # height, width, channels`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    '        m = torch.nn.ModuleDict()',
    ...generator.declarations,
    '        self.layers = m',
    '',
    '    def forward(self, x0):',
    '        m = self.layers',
    ...generator.lines,
    `        return ${output}`,
    '',
  ].join('\n');
  return { source, weights: generator.weights, layers: generator.layers, inputShape };
}
