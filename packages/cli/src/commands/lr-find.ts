// `tlc lr-find FILE.tl|plan.json`: fastai's learning-rate range test on the pipeline's first
// stage; prints the suggested rate and the `lr X` line to paste, and writes its curve (HTML) and
// numbers (CSV) to its own folder. Nothing else on disk changes.
import type { BackendPreference, TrunkRuntime } from '@tlc/runtime';
import { checkChoice, parseCommandArgs, usageError } from '../args';
import { onOutputClosed, sayToWhoeverListens } from '../closed-output';
import { loadPlanFile } from '../plan-file';
import { reportRunError } from '../report-error';
import type { Command } from './registry';

const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
const TRUNKS = ['auto', 'onnx', 'tfjs'] as const;

const spec = {
  name: 'lr-find',
  usage: 'tlc lr-find FILE.tl|plan.json [--steps N] [--start LR] [--end LR] [--data DIR] [--out DIR] [--backend auto|tensorflow|webgpu|wasm|cpu] [--trunk auto|onnx|tfjs] [--json] [--quiet]',
  help: `Finds a learning rate for the pipeline's first stage with fastai's range test
(lr_find, after Leslie Smith): from the stage's starting weights, one training
step per batch at a rate growing exponentially from --start to --end, on the
stage's training images, optimizer, loss, frozen layers and feature cache, as
\`tlc run\` would train them. The loss is smoothed (exponential moving average,
beta 0.98, bias-corrected) and the test stops early once the smoothed loss
passes 4 times its lowest. The suggestion is fastai's default, "valley": about
halfway down the longest stretch where the smoothed loss keeps falling (the
first tenth of the steps and the last 5 left out). It prints the rate and the
line to paste into the stage (\`lr 3.02e-3\`), and writes to its own folder,
lr-find/<pipeline>/<time>/ next to the file (beside runs/):
  lr-find.html   the smoothed loss against the rate (log scale), the suggestion marked
  lr-find.csv    step, lr, loss, smoothed_loss: one row per step
  lr-find.json   the settings, why it stopped, the suggestion
With discriminative learning rates (\`lr X for block4\`, \`lr a .. b\`) the
swept rate is the stage's base lr and every group keeps its ratio to it, as in
training: the suggestion is the base lr, and each group's rate that keeps its
ratio is printed beside it.
The weights it trains are thrown away; nothing else on disk changes. Ctrl-C
stops it and removes its folder.

Options:
  --steps N         steps at most (default 100, at least 20; a few hundred for a
                    smoother curve)
  --start LR        the first step's rate (default 1e-7)
  --end LR          the last step's rate (default 10)
  --data DIR        the image folder; required for a model spec without data
  --out DIR         the folder to write (default lr-find/<pipeline>/<time>/);
                    it must not exist or be empty (TL4206), as \`tlc run --out\`
  --backend B       as \`tlc run\`: auto (default), tensorflow, webgpu, wasm or cpu
  --trunk T         as \`tlc run\`: auto (default), onnx or tfjs
  --json            progress to stderr; the last stdout line is one JSON object
                    {outDir, suggestion, line, steepest, minLoss, taken, ended, …}
  --quiet           print nothing but errors (and the JSON with --json)

Example:
  tlc lr-find examples/fashion.tl
  tlc lr-find examples/fashion.tl --steps 200 --end 1`,
  options: {
    steps: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string' },
    trunk: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  },
  minPositionals: 1,
  maxPositionals: 1,
} as const;

/** The fewest steps `--steps` takes. */
const MIN_STEPS = 20;

export const lrFindCommand: Command = {
  name: 'lr-find',
  summary: 'find a learning rate for a pipeline (fastai\'s range test)',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const { values } = args;
    const bad = checkChoice(spec, 'backend', values.backend, BACKENDS) ?? checkChoice(spec, 'trunk', values.trunk, TRUNKS);
    if (bad !== undefined) return bad;
    const steps = values.steps === undefined ? 100 : Number(values.steps);
    // Fewer leave the suggestion next to nothing to look at once the first tenth and the last 5
    // steps are left out: with 3 steps it was the start rate itself (1e-7).
    if (!Number.isInteger(steps) || steps < MIN_STEPS) {
      return usageError(spec, `--steps must be a whole number of at least ${MIN_STEPS} (got \`${values.steps}\`): the suggestion leaves out the first tenth and the last 5 steps, and needs a curve between them`);
    }
    const start = values.start === undefined ? 1e-7 : Number(values.start);
    const end = values.end === undefined ? 10 : Number(values.end);
    for (const [name, value, given] of [['start', start, values.start], ['end', end, values.end]] as const) {
      if (!Number.isFinite(value) || value <= 0) return usageError(spec, `--${name} must be a learning rate above 0 (got \`${given}\`)`);
    }
    if (end <= start) return usageError(spec, `--end (${end}) must be above --start (${start}): the rate grows from one to the other`);
    const loaded = loadPlanFile(args.positionals[0], values.quiet);
    if (!loaded.ok) return loaded.exitCode;
    // Loaded on demand: TensorFlow.js is heavy, and other commands should start fast.
    const { RunLog, lrFind, releaseBackend } = await import('@tlc/runtime');
    const log = new RunLog({ quiet: values.quiet, json: values.json });
    // A reader that goes away stops the test as Ctrl-C does.
    const stop = new AbortController();
    const restore = onOutputClosed((name) => stop.abort(new Error(`${name} closed`)));
    try {
      const result = await lrFind(loaded.plan, {
        baseDir: loaded.baseDir, data: values.data, out: values.out, steps, start, end,
        backend: (values.backend ?? 'auto') as BackendPreference,
        trunk: (values.trunk ?? 'auto') as TrunkRuntime,
        log, stop: stop.signal, say: sayToWhoeverListens,
      });
      if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    } catch (error) {
      return reportRunError('lr-find', error, { json: values.json });
    } finally {
      releaseBackend();
      restore();
    }
  },
};
