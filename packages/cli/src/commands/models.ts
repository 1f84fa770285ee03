// `tlc models [NAME] [--json]`: the zoo from its catalog (no tfjs loaded). Without NAME, a table
// of every backbone; with NAME, one backbone's details: input sizes, preprocessing, first
// convolution, blocks, Keras's parameter counts and its ImageNet weights file.
import { findModel, listModels, modelNames, type ModelEntry } from '@tlc/zoo/catalog';
import { didYouMean } from '@tlc/language';
import { parseCommandArgs } from '../args';
import type { Command } from './registry';

const spec = {
  name: 'models',
  usage: 'tlc models [NAME] [--json]',
  help: `Lists the backbones of the model zoo (Keras applications without their top), or
shows one: its default and minimum input size, preprocessing, first convolution,
blocks (the cut and freeze points, with the Keras layer each ends at), parameter
counts as Keras reports them, and its ImageNet weights file.

Options:
  --json   print JSON instead of text: one object for NAME, an array without it

Examples:
  tlc models
  tlc models ResNet50V2 --json`,
  options: { json: { type: 'boolean' } },
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
