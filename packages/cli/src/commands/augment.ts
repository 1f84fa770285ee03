// `tlc augment FILE.tl|plan.json --preview N [--out PNG]`: a contact sheet of N augmented
// training images (Keras's save_to_dir), so a user sees what the model will see. Writes the PNG
// and nothing else.
import { parseCommandArgs, usageError } from '../args';
import { loadPlanFile } from '../plan-file';
import { reportRunError } from '../report-error';
import type { Command } from './registry';

const spec = {
  name: 'augment',
  usage: 'tlc augment FILE.tl|plan.json --preview N [--out FILE.png|DIR] [--data DIR] [--json]',
  help: `Shows what the model will see: writes one PNG, a contact sheet of the first N
training images of epoch 1, in the run's seeded order, changed exactly as
\`tlc run\` changes them (the pipeline's \`augment { … }\`: rotation, zoom,
shear, shifts, fill, channel shift, flips, brightness, then mixup or cutmix
over each batch), at the model's input size (cells under 96 pixels are scaled
up by a whole factor, nearest pixel). Like Keras's ImageDataGenerator
save_to_dir, but one picture. Only the images shown are decoded; nothing else
on disk changes (no run folder, no cache). It prints where it wrote.

Options:
  --preview N    how many images (1 to 1000; fewer when the training set has fewer)
  --out FILE     the PNG to write (default: <pipeline>-augment-preview.png next to
                 the file); replaced if it exists. A folder (one that exists, or
                 a path ending in /) gets <pipeline>-augment-preview.png inside
  --data DIR     the image folder; required for a model spec without data
  --json         print one JSON object {out, images, columns, rows, cell, augmented, mixed, bad}

Example:
  tlc augment examples/augmentation.tl --preview 16
  tlc augment examples/augmentation.tl --preview 64 --out /tmp/seen.png`,
  options: {
    preview: { type: 'string' },
    out: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  },
  minPositionals: 1,
  maxPositionals: 1,
} as const;

export const augmentCommand: Command = {
  name: 'augment',
  summary: 'write a contact sheet of augmented training images (what the model sees)',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const { values } = args;
    if (values.preview === undefined) return usageError(spec, '--preview N is required: how many augmented images to show');
    const count = Number(values.preview);
    if (!Number.isInteger(count) || count < 1 || count > 1000) return usageError(spec, `--preview must be a whole number from 1 to 1000 (got \`${values.preview}\`)`);
    const loaded = loadPlanFile(args.positionals[0]!, values.json);
    if (!loaded.ok) return loaded.exitCode;
    // Loaded on demand, as the other commands that read images.
    const { augmentPreview } = await import('@tlc/runtime');
    try {
      const result = await augmentPreview(loaded.plan, { baseDir: loaded.baseDir, count, ...(values.out ? { out: values.out } : {}), ...(values.data ? { data: values.data } : {}) });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return 0;
      }
      for (const bad of result.bad) process.stderr.write(`warning: cannot decode ${bad} (shown black)\n`);
      const what = result.augmented ? `augmented${result.mixed ? ' and mixed' : ''}` : 'not augmented: the pipeline has no `augment` block';
      process.stdout.write(
        `wrote ${result.out}: ${result.images} training images of epoch 1, ${what}, ${result.columns}x${result.rows} cells of ${result.cell[1]}x${result.cell[0]} pixels\n`,
      );
      return 0;
    } catch (error) {
      return reportRunError('augment', error, { json: values.json });
    }
  },
};
