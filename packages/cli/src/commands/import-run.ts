// `tlc import-run JOB_DIR [--out RUN_DIR]`: a torch job folder that `tlc run --engine torch --emit`
// wrote and a cluster trained comes back as a run folder, as if it had trained here: the plan and
// its origin are read from the job folder (plan.json, origin.json), the trained weights go into
// the model, the recorded epochs into metrics.csv, then evaluation, export and the report.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { highlightHtml } from '@tlc/language';
import { runtimeMessages } from '@tlc/runtime/messages';
import { parseCommandArgs } from '../args';
import { onOutputClosed, sayToWhoeverListens } from '../closed-output';
import { loadPlanFile } from '../plan-file';
import { reportRunError } from '../report-error';
import type { Command } from './registry';
import { printSummaryJson } from './run';

const spec = {
  name: 'import-run',
  usage: 'tlc import-run JOB_DIR [--out RUN_DIR] [--data DIR] [--json] [--quiet]',
  help: `Turns a trained torch job folder into a run folder. \`tlc run FILE --engine torch
--emit JOB_DIR\` writes a self-contained job (plan, generated PyTorch model, weights,
file lists, trainer, launch.sh) to carry to a cluster; once its launch.sh (or torchrun
on several nodes, or sbatch slurm.sh) has finished, JOB_DIR holds trained.safetensors
and epochs.jsonl. Copied back here, this command makes the run folder a tfjs run makes:
plan.json, metrics.csv (the cluster's epochs), checkpoints/, model/ (the exported model,
for \`tlc predict\` and \`tlc embed\`), evaluation.json and report.html. Nothing trains.

The plan and the folder its paths are relative to come from the job folder, so the
pipeline file is not needed; the images must be where they were at --emit (or give
--data). The weights are checked to be this plan's model.

Options:
  --out DIR   the run folder (default runs/<pipeline>/<time>/ next to the pipeline
              file the job was emitted from); it must not exist or be empty
  --data DIR  the image folder, when it moved since --emit
  --json      progress to stderr; the last stdout line is one JSON object
              {runDir, backend, trunk, stages, evaluation, seconds}
  --quiet     print nothing but errors (and the JSON with --json)

Example:
  tlc run examples/fashion.tl --engine torch --emit job/
  (cd job && ./launch.sh 2)        # or on a cluster: see what --emit printed
  tlc import-run job/ --out runs/fashion-torch
  tlc predict runs/fashion-torch/model examples/data/fashion/new`,
  options: {
    out: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  },
  minPositionals: 1,
  maxPositionals: 1,
} as const;

interface Origin {
  baseDir: string;
  data: string | null;
  source: { file: string; text: string } | null;
}

export const importRunCommand: Command = {
  name: 'import-run',
  summary: 'make a run folder from a torch job folder trained elsewhere (--emit)',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const { values } = args;
    const dir = path.resolve(args.positionals[0]);
    const json = { json: values.json };
    if (!existsSync(dir)) return reportRunError('import-run', runtimeMessages.notATorchJob(dir, 'it does not exist'), json);
    if (!statSync(dir).isDirectory()) return reportRunError('import-run', runtimeMessages.notATorchJob(dir, 'it is a file'), json);
    for (const file of ['job.json', 'weights.json', 'plan.json', 'origin.json']) {
      if (!existsSync(path.join(dir, file))) {
        const why = file === 'plan.json' || file === 'origin.json' ? `it holds no ${file} (a job emitted by an older tlc: use \`tlc run FILE --engine torch --import ${dir}\`)` : `it holds no ${file}`;
        return reportRunError('import-run', runtimeMessages.notATorchJob(dir, why), json);
      }
    }
    if (!existsSync(path.join(dir, 'trained.safetensors'))) return reportRunError('import-run', runtimeMessages.torchJobNotTrained(dir, 'trained.safetensors'), json);
    const loaded = loadPlanFile(path.join(dir, 'plan.json'), values.quiet);
    if (!loaded.ok) return loaded.exitCode;
    const origin = JSON.parse(readFileSync(path.join(dir, 'origin.json'), 'utf8')) as Origin;
    const { RunLog, runPlan, releaseBackend } = await import('@tlc/runtime');
    const log = new RunLog({ quiet: values.quiet, json: values.json });
    const stop = new AbortController();
    const restore = onOutputClosed((name) => stop.abort(new Error(`${name} closed`)));
    try {
      const summary = await runPlan(loaded.plan, {
        baseDir: origin.baseDir,
        data: values.data ?? origin.data ?? undefined,
        out: values.out,
        engine: 'torch',
        importJob: dir,
        log,
        source: origin.source ? { file: origin.source.file, html: await highlightHtml(origin.source.text) } : undefined,
        stop: stop.signal,
        say: sayToWhoeverListens,
      });
      if (values.json) printSummaryJson(summary);
      return 0;
    } catch (error) {
      return reportRunError('import-run', error, json);
    } finally {
      releaseBackend();
      restore();
    }
  },
};
