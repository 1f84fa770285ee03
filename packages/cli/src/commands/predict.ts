// `tlc predict MODEL_DIR IMAGE_OR_DIR… [--tta] [--on-bad-image skip|fail]`: labels and
// probabilities for new images with a model `tlc run` exported (model.json, weights.bin,
// labels.json, plan.json; or model.onnx), with `--tta` averaged over each image and its mirror
// image as `evaluate … tta flips` does; with `--on-bad-image skip` a bad image in a folder is left
// out and reported (as `on bad image skip` does for training) instead of stopping every image.
import { parseCommandArgs, usageError } from '../args';
import { renderCodedPretty, reportRunError } from '../report-error';
import type { Command } from './registry';

const spec = {
  name: 'predict',
  usage: 'tlc predict MODEL_DIR IMAGE_OR_DIR… [--tta] [--threshold T] [--on-bad-image skip|fail] [--json]',
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
  --on-bad-image skip|fail
                  what an unreadable image found in a folder (empty, truncated,
                  not an image) does, as \`on bad image\` does in a pipeline:
                  fail (default) stops with TL4108 and predicts nothing; skip
                  labels the others and lists each one left out with its reason
                  (after them, a line \`FILE  skipped: REASON\`; with --json the
                  output is {predictions, skipped: [{file, reason}]}), exit
                  status 0; when no image could be read, TL4108 (exit 1). A
                  file named directly is always an error.
  --json          print JSON instead of text

Example:
  tlc predict examples/models/fashion examples/data/fashion/new
  tlc predict examples/models/fashion examples/data/fashion/new --tta
  tlc predict examples/models/fashion photos/ --on-bad-image skip --json`,
  options: { json: { type: 'boolean' }, tta: { type: 'boolean' }, threshold: { type: 'string' }, 'on-bad-image': { type: 'string' } },
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
    const onBadImage = args.values['on-bad-image'];
    if (onBadImage !== undefined && onBadImage !== 'skip' && onBadImage !== 'fail') {
      return usageError(spec, `--on-bad-image must be skip or fail, got ${JSON.stringify(onBadImage)}`);
    }
    let release = (): void => {};
    try {
      // Loaded on demand: TensorFlow.js is heavy, and other commands should start fast.
      const { loadExportedModel, predictImages, selectBackend, releaseBackend, ttaFlipsUnseen, RunError, runtimeMessages } = await import('@tlc/runtime');
      await selectBackend('auto');
      release = releaseBackend;
      const { model, plan, classNames } = await loadExportedModel(dir);
      const unseen = args.values.tta ? ttaFlipsUnseen(plan, dir) : undefined;
      if (unseen) process.stderr.write(renderCodedPretty(unseen).replace(/^error\[/, 'warning['));
      const { predictions, skipped } = await predictImages(model, plan, classNames, images, {
        tta: args.values.tta ? 'flips' : 'none', modelName: dir, onBadImage: onBadImage ?? 'fail', ...(threshold === undefined ? {} : { threshold }),
      });
      // Skipping leaves the others to label; with none left the command did nothing: an error.
      if (predictions.length === 0 && skipped.length > 0) throw new RunError(runtimeMessages.noImageReadable(skipped));
      if (args.values.json) {
        // With --on-bad-image skip the images left out are part of the answer: an object, whatever was skipped.
        process.stdout.write(`${JSON.stringify(onBadImage === 'skip' ? { predictions, skipped } : predictions)}\n`);
      } else {
        const width = [...predictions, ...skipped].reduce((most, p) => Math.max(most, p.file.length), 0);
        // One line per image: the labelled ones, then each one left out with why.
        const lines = [
          ...predictions.map((p) => ({
            file: p.file,
            text: p.labels
              ? (p.labels.length === 0 ? '(no label reaches the threshold)' : p.labels.map((name) => `${name} ${(p.probabilities[name]! * 100).toFixed(1)}%`).join(', '))
              : `${p.label}  ${(p.probabilities[p.label]! * 100).toFixed(1)}%`,
          })),
          ...skipped.map((s) => ({ file: s.file, text: `skipped: ${s.reason}` })),
        ];
        for (const line of lines) process.stdout.write(`${line.file.padEnd(width)}  ${line.text}\n`);
      }
      if (skipped.length > 0) {
        const total = predictions.length + skipped.length;
        process.stderr.write(`warning[TL4108]: skipped ${skipped.length} of ${total} image${total === 1 ? '' : 's'} that could not be read (--on-bad-image skip); the others are labelled\n`);
      }
      return 0;
    } catch (error) {
      return reportRunError('predict', error, { json: args.values.json });
    } finally {
      release();
    }
  },
};
