// `tlc models [NAME] [--json]`: the zoo from its catalog (no tfjs loaded). Without NAME, a table
// of every backbone; with NAME, one backbone's details: input sizes, preprocessing, first
// convolution, blocks, Keras's parameter counts and its ImageNet weights file. With --layers,
// every layer (Keras's `model.summary()` plus the block each layer belongs to and its index for
// `freeze until layer N`), from the tfjs builder at the default input size (tfjs loaded then only).
import { findModel, listModels, modelNames, type ModelEntry } from '@tlc/zoo/catalog';
import { didYouMean } from '@tlc/language';
import { parseCommandArgs } from '../args';
import type { Command } from './registry';

const spec = {
  name: 'models',
  usage: 'tlc models [NAME] [--layers] [--alpha A] [--json]',
  help: `Lists the backbones of the model zoo (Keras applications without their top), or
shows one: its default and minimum input size, preprocessing, first convolution,
blocks (the cut and freeze points, with the Keras layer each ends at), parameter
counts as Keras reports them, and its ImageNet weights file.

With --layers, every layer of NAME as Keras's model.summary() shows it, plus its
block and its index in model.layers (the N of \`freeze until layer N\`, which freezes
layers 0 … N-1 like Keras's layers[:N]): index, name, block, type, output shape (at
the default input size), parameters and trainable parameters.

Options:
  --json       print JSON instead of text: one object for NAME, an array without it
  --layers     list NAME's layers (builds the model without weights)
  --alpha A    with --layers, the width multiplier of a MobileNet (default: the first)

Examples:
  tlc models
  tlc models ResNet50V2 --json
  tlc models MobileNet --layers --alpha 0.25`,
  options: { json: { type: 'boolean' }, layers: { type: 'boolean' }, alpha: { type: 'string' } },
  maxPositionals: 1,
} as const;

/** One backbone as `tlc models NAME --json` prints it. */
export interface ModelDescription {
  name: string;
  family: string;
  inputSize: number;
  minInputSize: number;
  preprocess: string;
  firstConv: string;
  blocks: { name: string; layer: string }[];
  params: { total: number; trainable: number };
  weights: { url: string; hash: string | null } | null;
}

export function describeModel(entry: ModelEntry): ModelDescription {
  const weights = entry.weightsFor({});
  return {
    name: entry.name,
    family: entry.family,
    inputSize: entry.inputSize,
    minInputSize: entry.minInputSize,
    preprocess: entry.preprocess,
    firstConv: entry.firstConv,
    blocks: entry.blocks.map((b) => ({ name: b.name, layer: b.layer })),
    params: { total: entry.params.total, trainable: entry.params.trainable },
    weights: weights ? { url: weights.url, hash: weights.hash } : null,
  };
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list the model zoo, or show one backbone',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const json = args.values.json === true;
    const [name] = args.positionals;
    if (name === undefined) {
      process.stdout.write(json ? `${JSON.stringify(listModels().map(describeModel), null, 2)}\n` : modelTable(listModels()));
      return 0;
    }
    const entry = findModel(name);
    if (!entry) {
      const suggestion = didYouMean(name, modelNames());
      const hint = suggestion ? ` Did you mean \`${suggestion}\`?` : ' Run `tlc models` to list them.';
      process.stderr.write(`tlc models: the zoo has no model \`${name}\`.${hint}\n`);
      return 1;
    }
    if (args.values.layers === true) return printLayers(entry, json, args.values.alpha as string | undefined);
    if (args.values.alpha !== undefined) {
      process.stderr.write('tlc models: --alpha goes with --layers.\n');
      return 2;
    }
    const description = describeModel(entry);
    process.stdout.write(json ? `${JSON.stringify(description, null, 2)}\n` : modelDetails(description, entry));
    return 0;
  },
};

const count = (n: number) => n.toLocaleString('en-US');

function modelTable(models: readonly ModelEntry[]): string {
  const header = ['name', 'family', 'input', 'min input', 'preprocess', 'blocks', 'params'];
  const rows = models.map((m) => [
    m.name,
    m.family,
    String(m.inputSize),
    String(m.minInputSize),
    m.preprocess,
    String(m.blocks.length),
    count(m.params.total),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = new Set([2, 3, 5, 6]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line), '', `${models.length} models. \`tlc models NAME\` shows one.`, ''].join('\n');
}

function modelDetails(d: ModelDescription, entry: ModelEntry): string {
  const multiple = entry.inputSizeMultiple > 1 ? `, a multiple of ${entry.inputSizeMultiple}` : '';
  const alphas = entry.alphas ? [`  alphas:      ${entry.alphas.join(', ')} (default ${entry.alphas[0]})`] : [];
  const weights = d.weights
    ? `${d.weights.url}\n               ${d.weights.hash ? `hash ${d.weights.hash}` : 'no hash published (unverified)'}`
    : 'none published by Keras';
  const blockWidth = Math.max(...d.blocks.map((b) => b.name.length), 0);
  const layerWidth = Math.max(...d.blocks.map((b) => b.layer.length), 0);
  return [
    `${d.name}  (family ${d.family})`,
    `  input:       ${d.inputSize}x${d.inputSize} by default, at least ${d.minInputSize}x${d.minInputSize}${multiple}`,
    ...alphas,
    `  preprocess:  ${d.preprocess}`,
    `  first conv:  ${d.firstConv}`,
    `  params:      ${count(d.params.total)} total, ${count(d.params.trainable)} trainable`,
    `  weights:     ${weights}`,
    `  blocks:`,
    ...entry.blocks.map((b) => `    ${b.name.padEnd(blockWidth)}  ${b.layer.padEnd(layerWidth)}  ${b.keras ?? ''}`.trimEnd()),
    '',
  ].join('\n');
}

/** One layer as `tlc models NAME --layers` lists it. */
export interface LayerDescription {
  /** Its position in Keras's `model.layers` (the input layer is 0). */
  index: number;
  name: string;
  /** The block the layer belongs to (after the previous block's last layer, through its own), or null after the last block. */
  block: string | null;
  /** The tfjs-layers class name (Keras's). */
  type: string;
  /** Without the batch dimension; several for a layer with several outputs. */
  outputShape: (number | null)[] | (number | null)[][];
  params: number;
  trainableParams: number;
}

/** The backbone's layers, built with zero weights on the cpu backend. */
export async function describeLayers(entry: ModelEntry, alpha?: number): Promise<LayerDescription[]> {
  const tf = await import('@tensorflow/tfjs');
  const { buildBackbone } = await import('@tlc/zoo');
  tf.enableProdMode(); // no "install tfjs-node" banner on the first cpu kernel
  await tf.setBackend('cpu');
  const model = buildBackbone(entry.name, { inputShape: [entry.inputSize, entry.inputSize, 3], alpha: alpha ?? entry.alphas?.[0], init: 'zeros' });
  try {
    const ends = new Map(entry.blocks.map((b, i) => [b.layer, i]));
    let block = 0;
    return model.layers.map((layer, index) => {
      const name = block < entry.blocks.length ? entry.blocks[block].name : null;
      if (ends.get(layer.name) === block) block++;
      const shape = layer.outputShape as (number | null)[] | (number | null)[][];
      const withoutBatch = Array.isArray(shape[0]) ? (shape as (number | null)[][]).map((s) => s.slice(1)) : (shape as (number | null)[]).slice(1);
      const size = (weights: { shape: (number | null)[] }[]) => weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
      return {
        index, name: layer.name, block: name, type: layer.getClassName(), outputShape: withoutBatch,
        params: size(layer.weights), trainableParams: size(layer.trainableWeights),
      };
    });
  } finally {
    model.dispose();
  }
}

async function printLayers(entry: ModelEntry, json: boolean, alphaText: string | undefined): Promise<number> {
  let alpha: number | undefined;
  if (alphaText !== undefined) {
    alpha = Number(alphaText);
    if (!entry.alphas) {
      process.stderr.write(`tlc models: ${entry.name} takes no --alpha.\n`);
      return 2;
    }
    if (!entry.alphas.includes(alpha)) {
      process.stderr.write(`tlc models: ${entry.name} takes --alpha ${entry.alphas.join(', ')}, not ${alphaText}.\n`);
      return 2;
    }
  }
  const layers = await describeLayers(entry, alpha);
  if (json) {
    process.stdout.write(`${JSON.stringify(layers, null, 2)}\n`);
    return 0;
  }
  const shapeText = (s: LayerDescription['outputShape']): string =>
    Array.isArray(s[0]) ? (s as (number | null)[][]).map((x) => shapeText(x)).join(', ') : `(${(s as (number | null)[]).map((d) => d ?? 'None').join(', ')})`;
  const header = ['#', 'layer', 'block', 'type', 'output shape', 'params', 'trainable'];
  const rows = layers.map((l) => [String(l.index), l.name, l.block ?? '-', l.type, shapeText(l.outputShape), count(l.params), count(l.trainableParams)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = new Set([0, 5, 6]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const total = layers.reduce((sum, l) => sum + l.params, 0);
  const trainable = layers.reduce((sum, l) => sum + l.trainableParams, 0);
  const size = `${entry.inputSize}x${entry.inputSize}${alpha ?? entry.alphas?.[0] ? `, alpha ${alpha ?? entry.alphas![0]}` : ''}`;
  process.stdout.write([
    `${entry.name} (${size}): ${layers.length} layers`,
    line(header),
    ...rows.map(line),
    '',
    `params: ${count(total)} total, ${count(trainable)} trainable, ${count(total - trainable)} non-trainable`,
    '`freeze until layer N` freezes layers 0 … N-1 (Keras\'s layers[:N]); `unfreeze from layer N` trains N and after.',
    '',
  ].join('\n'));
  return 0;
}
