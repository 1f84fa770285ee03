// `tlc embed FILE IMAGE…`: the globally pooled backbone features of each image (the
// feature-extractor strategy, for use outside tlc), with the plan's backbone, weights and
// preprocessing.
import type { Plan } from '@tlc/plan';
import { runtimeMessages, type RuntimeMessage } from '@tlc/runtime/messages';
import { parseCommandArgs } from '../args';
import { loadPlanFile } from '../plan-file';
import { renderCodedPretty, reportRunError } from '../report-error';
import type { Command } from './registry';

const spec = {
  name: 'embed',
  usage: 'tlc embed FILE.tl|plan.json IMAGE_OR_DIR… [--json]',
  help: `Computes a feature vector per image: the pipeline's backbone (its weights,
preprocessing and cut point; the head is not used) followed by global average
pooling, at the data statement's image size, else the model's default size. A
backbone with random weights (\`weights none\`, or \`adapt skip\` on grayscale) gives
features of random filters: embed says so (TL4210) and still prints them.
Prints one line per image (file, then the numbers), or with --json an array of
{file, features}.

Options:
  --json   print JSON instead of text

Example:
  tlc embed examples/feature-extractor.tl photos/ --json > features.json`,
  options: { json: { type: 'boolean' } },
  minPositionals: 2,
} as const;

/**
 * Why the features would come from random filters: embed trains nothing, so a backbone without
 * pretrained weights (or whose first convolution is re-initialised for grayscale) gives numbers
 * that describe the random initialisation, not the images.
 */
export function randomFeatures(plan: Plan): RuntimeMessage | undefined {
  const model = plan.model;
  if (model.weights.source === 'none') {
    return runtimeMessages.randomFeatures(`${model.architecture} has random weights here (\`weights none\`)`, 'use `weights imagenet` or a weights file');
  }
  if (model.firstConvAdapt?.method === 'skip') {
    return runtimeMessages.randomFeatures(`the first convolution ${model.firstConvAdapt.layer} starts from random weights (\`adapt skip\`)`, 'use `adapt sum` to keep its pretrained filters');
  }
  return undefined;
}

export const embedCommand: Command = {
  name: 'embed',
  summary: 'globally pooled backbone features per image',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const [file, ...images] = args.positionals;
    const loaded = loadPlanFile(file);
    if (!loaded.ok) return loaded.exitCode;
    const random = randomFeatures(loaded.plan);
    if (random) process.stderr.write(renderCodedPretty(random).replace(/^error\[/, 'warning['));
    let release = (): void => {};
    try {
      // Loaded on demand: TensorFlow.js is heavy, and other commands should start fast.
      const { embedFiles, selectBackend, releaseBackend } = await import('@tlc/runtime');
      await selectBackend('auto');
      release = releaseBackend;
      const embeddings = await embedFiles(loaded.plan, loaded.baseDir, images);
      if (args.values.json) process.stdout.write(`${JSON.stringify(embeddings)}\n`);
      else for (const e of embeddings) process.stdout.write(`${e.file}\t${e.features.map((v) => v.toPrecision(5)).join(' ')}\n`);
      return 0;
    } catch (error) {
      return reportRunError('embed', error, { json: args.values.json });
    } finally {
      release();
    }
  },
};
