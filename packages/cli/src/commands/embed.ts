// `tlc embed FILE IMAGE…`: the globally pooled backbone features of each image (the
// feature-extractor strategy, for use outside tlc), with the plan's backbone, weights and
// preprocessing.
import { parseCommandArgs } from '../args';
import { loadPlanFile } from '../plan-file';
import { reportRunError } from '../report-error';
import type { Command } from './registry';

const spec = {
  name: 'embed',
  usage: 'tlc embed FILE.tl|plan.json IMAGE_OR_DIR… [--json]',
  help: `Computes a feature vector per image: the pipeline's backbone (its weights,
preprocessing and cut point; the head is not used) followed by global average
pooling, at the data statement's image size, else the model's default size.
Prints one line per image (file, then the numbers), or with --json an array of
{file, features}.

Options:
  --json   print JSON instead of text

Example:
  tlc embed examples/feature-extractor.tl photos/ --json > features.json`,
  options: { json: { type: 'boolean' } },
  minPositionals: 2,
} as const;

export const embedCommand: Command = {
  name: 'embed',
  summary: 'globally pooled backbone features per image',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const [file, ...images] = args.positionals;
    const loaded = loadPlanFile('embed', file);
    if (!loaded.ok) return loaded.exitCode;
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
