// `tlc predict MODEL_DIR IMAGE_OR_DIR… [--tta]`: labels and probabilities for new images with a
// model `tlc run` exported (model.json, weights.bin, labels.json, plan.json; or model.onnx), with
// `--tta` averaged over each image and its mirror image as `evaluate … tta flips` does.
import { parseCommandArgs, usageError } from '../args';
import { renderCodedPretty, reportRunError } from '../report-error';
import type { Command } from './registry';

const spec = {
  name: 'predict',
  usage: 'tlc predict MODEL_DIR IMAGE_OR_DIR… [--tta] [--threshold T] [--json]',
  help: `Classifies images with an exported model: the folder \`export\` wrote (tfjs, or
ONNX: model.onnx), or a run folder (its model/). Folders are searched for images
recursively. Prints one line per image (the label and its probability), or with
--json an array of {file, label, probabilities} (probabilities by class name). A
multi-label model (a sigmoid over several classes) prints every label whose
probability reaches the threshold, and its JSON has them in \`labels\`, most
probable first.

Options:
  --tta           test-time augmentation, as \`evaluate … tta flips\`: each image's
                  probabilities are the mean of the model's on the image and on its
                  left-right mirror image (twice the work)
  --threshold T   a multi-label model's threshold, between 0 and 1 (default: the
                  plan's \`evaluate … threshold\`, else 0.5); refused for a model
                  that predicts one class per image (TL4213)
  --json          print JSON instead of text

Example:
  tlc predict examples/models/fashion examples/data/fashion/new
  tlc predict examples/models/fashion examples/data/fashion/new --tta`,
  options: { json: { type: 'boolean' }, tta: { type: 'boolean' }, threshold: { type: 'string' } },
  minPositionals: 2,
} as const;

export const predictCommand: Command = {
  name: 'predict',
  summary: 'classify new images with an exported model',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const [dir, ...images] = args.positionals;
    const threshold = args.values.threshold === undefined ? undefined : Number(args.values.threshold);
    if (threshold !== undefined && !(threshold > 0 && threshold < 1)) {
      return usageError(spec, `--threshold must be a number between 0 and 1 (exclusive), got ${JSON.stringify(args.values.threshold)}`);
    }
    let release = (): void => {};
    try {
      // Loaded on demand: TensorFlow.js is heavy, and other commands should start fast.
      const { loadExportedModel, predictFiles, selectBackend, releaseBackend, ttaFlipsUnseen } = await import('@tlc/runtime');
      await selectBackend('auto');
      release = releaseBackend;
      const { model, plan, classNames } = await loadExportedModel(dir);
      const unseen = args.values.tta ? ttaFlipsUnseen(plan, dir) : undefined;
      if (unseen) process.stderr.write(renderCodedPretty(unseen).replace(/^error\[/, 'warning['));
      const predictions = await predictFiles(model, plan, classNames, images, { tta: args.values.tta ? 'flips' : 'none', modelName: dir, ...(threshold === undefined ? {} : { threshold }) });
      if (args.values.json) {
        process.stdout.write(`${JSON.stringify(predictions)}\n`);
      } else {
        const width = predictions.reduce((most, p) => Math.max(most, p.file.length), 0);
        for (const p of predictions) {
          const shown = p.labels
            ? (p.labels.length === 0 ? '(no label reaches the threshold)' : p.labels.map((name) => `${name} ${(p.probabilities[name]! * 100).toFixed(1)}%`).join(', '))
            : `${p.label}  ${(p.probabilities[p.label]! * 100).toFixed(1)}%`;
          process.stdout.write(`${p.file.padEnd(width)}  ${shown}\n`);
        }
      }
      return 0;
    } catch (error) {
      return reportRunError('predict', error, { json: args.values.json });
    } finally {
      release();
    }
  },
};
