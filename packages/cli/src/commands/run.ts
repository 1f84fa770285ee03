// `tlc run FILE.tl|plan.json`: trains, evaluates and exports what the plan says, into a run
// folder. Progress on the terminal; with --json the last stdout line is one JSON summary.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { highlightHtml } from '@tlc/language';
import type { BackendPreference, RunSummary, TrunkRuntime } from '@tlc/runtime';
import { runtimeMessages, type RuntimeMessage } from '@tlc/runtime/messages';
import { checkChoice, parseCommandArgs, usageError } from '../args';
import { onOutputClosed, sayToWhoeverListens } from '../closed-output';
import { loadPlanFile } from '../plan-file';
import { reportRunError } from '../report-error';
import type { Command } from './registry';

const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
const TRUNKS = ['auto', 'onnx', 'tfjs'] as const;
const ENGINES = ['auto', 'tfjs', 'torch'] as const;
const DEVICES = ['cpu', 'cuda'] as const;

const spec = {
  name: 'run',
  usage: 'tlc run FILE.tl|plan.json [--data DIR] [--out DIR] [--epochs N] [--backend auto|tensorflow|webgpu|wasm|cpu] [--trunk auto|onnx|tfjs] [--engine auto|tfjs|torch [--nproc N] [--device cpu|cuda] [--emit DIR] [--import DIR]] [--json] [--quiet] | tlc run --resume RUN_DIR',
  help: `Runs a pipeline: loads the images, builds the model, trains each stage in order
(train, then each fine tune), evaluates, exports. A .tl file is compiled first; a
plan JSON is validated. Paths in the plan are relative to the file's folder.
Everything the run makes goes to a run folder, runs/<pipeline>/<time>/ next to the
file: plan.json, metrics.csv, checkpoints/, model/ (the exported model),
evaluation.json and report.html. A run never writes into a folder that holds files
(see --out). Ctrl-C stops it within a batch, in any phase, keeping every completed
epoch and saying how to resume; so does a closed output (\`tlc run … | head\`:
exit 141). Decoded images that do not fit in 60% of memory (TLC_MEMORY_SHARE=0.25
or 25% changes the share) are streamed from the pixel cache, $TLC_HOME/pixels/ (by
default ~/.cache/tlc/pixels/), which later runs on the same files reuse.

Options:
  --data DIR        the image folder (one sub-folder per class); required for a
                    model spec without a data statement, else overrides it
  --out DIR         the run folder (default runs/<pipeline>/<time>/); it must
                    not exist or be empty: a run never overwrites another run
                    (or any file), it stops at once with error TL4206 instead
  --epochs N        train every stage for N epochs instead of the plan's count
  --backend B       auto (default: tfjs-node-gpu, webgpu on a hardware adapter,
                    tfjs-node, wasm, cpu: the first that works), tensorflow,
                    webgpu (any adapter, a software one included), wasm or cpu
  --trunk T         what runs the frozen trunk: auto (default: onnxruntime
                    when it loads, else the tfjs backend), onnx or tfjs
  --engine E        who trains: auto or tfjs (default: TensorFlow.js, the reference),
                    or torch: PyTorch (python3 with torch 1.13+; several processes
                    run under torch.distributed.run); evaluation, export and the
                    report stay the same
  --nproc N         torch: training processes on this machine (default 1); the
                    stage's batch is split over them (data parallel)
  --device D        torch: cpu (default, gloo) or cuda (nccl)
  --emit DIR        torch: write a self-contained job folder to DIR (generated
                    model, weights, file lists, trainer, launch.sh) for a cluster,
                    print the multi-node and SLURM commands, and stop
  --import DIR      torch: no training; a job folder --emit wrote and a cluster
                    trained comes back: its weights evaluated, exported, reported
  --json            progress to stderr; the last stdout line is one JSON object
                    {runDir, backend, trunk, stages, evaluation, seconds}, or
                    {error: {code, message, help}} when the run fails
  --quiet           print nothing but errors (and the JSON with --json)
  --resume RUN_DIR  continue an interrupted run from its last completed epoch
                    (its plan, data, options and optimizer state: the
                    same final weights as a run never interrupted)

Example:
  tlc run examples/fashion.tl
  tlc run --resume examples/runs/fashion/<time>
  tlc predict examples/runs/fashion/<time>/model examples/data/fashion/new`,
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    epochs: { type: 'string' },
    backend: { type: 'string' },
    trunk: { type: 'string' },
    engine: { type: 'string' },
    nproc: { type: 'string' },
    device: { type: 'string' },
    emit: { type: 'string' },
    import: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
    resume: { type: 'string' },
  },
  maxPositionals: 1,
} as const;

/** What keeps `--resume DIR` from being a run folder (TL4203); undefined when it is one. */
function runFolderProblem(dir: string): RuntimeMessage | undefined {
  if (!existsSync(dir)) return runtimeMessages.runFolderMissing(dir);
  if (!statSync(dir).isDirectory()) return runtimeMessages.runFolderIsAFileToResume(dir);
  if (!existsSync(path.join(dir, 'plan.json'))) return runtimeMessages.notARunFolder(dir);
  return undefined;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'train, evaluate and export a pipeline (.tl or plan JSON)',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const { values } = args;
    const bad = checkChoice(spec, 'backend', values.backend, BACKENDS);
    if (bad !== undefined) return bad;
    const badTrunk = checkChoice(spec, 'trunk', values.trunk, TRUNKS);
    if (badTrunk !== undefined) return badTrunk;
    const badEngine = checkChoice(spec, 'engine', values.engine, ENGINES);
    if (badEngine !== undefined) return badEngine;
    const badDevice = checkChoice(spec, 'device', values.device, DEVICES);
    if (badDevice !== undefined) return badDevice;
    const torch = values.engine === 'torch';
    if (!torch && (values.nproc !== undefined || values.device !== undefined || values.emit !== undefined || values.import !== undefined)) {
      return usageError(spec, '--nproc, --device, --emit and --import are options of --engine torch');
    }
    let nproc = 1;
    if (values.nproc !== undefined) {
      nproc = Number(values.nproc);
      if (!Number.isInteger(nproc) || nproc < 1) return usageError(spec, `--nproc must be a whole number of at least 1 (got \`${values.nproc}\`)`);
    }
    let epochs: number | undefined;
    if (values.epochs !== undefined) {
      epochs = Number(values.epochs);
      if (!Number.isInteger(epochs) || epochs < 1) return usageError(spec, `--epochs must be a whole number of at least 1 (got \`${values.epochs}\`)`);
    }
    const resume = values.resume;
    if (resume === undefined && args.positionals.length === 0) return usageError(spec, 'missing argument');
    if (resume !== undefined && args.positionals.length > 0) return usageError(spec, '--resume takes the run folder instead of a FILE');
    if (resume !== undefined && values.out !== undefined) return usageError(spec, '--resume continues in the run folder it names; --out cannot go with it');
    if (resume !== undefined) {
      const problem = runFolderProblem(resume);
      if (problem !== undefined) return reportRunError('run', problem, { json: values.json });
    }
    const loaded = loadPlanFile(resume === undefined ? args.positionals[0] : path.join(resume, 'plan.json'), values.quiet);
    if (!loaded.ok) return loaded.exitCode;
    // Loaded on demand: TensorFlow.js is heavy, and other commands should start fast.
    const { RunLog, runPlan, releaseBackend, emitTorchJob } = await import('@tlc/runtime');
    const log = new RunLog({ quiet: values.quiet, json: values.json });
    // A reader that goes away (`tlc run … | head`) stops the run as Ctrl-C does: resumable.
    const stop = new AbortController();
    const restore = onOutputClosed((name) => stop.abort(new Error(`${name} closed`)));
    try {
      if (values.emit !== undefined) {
        await emitTorchJob(loaded.plan, { baseDir: loaded.baseDir, data: values.data, epochs, nproc, device: (values.device ?? 'cpu') as 'cpu' | 'cuda', dir: path.resolve(values.emit), log, source: loaded.source });
        return 0;
      }
      const summary = await runPlan(loaded.plan, {
        baseDir: loaded.baseDir,
        data: values.data,
        out: values.out,
        epochs,
        backend: (values.backend ?? 'auto') as BackendPreference,
        trunk: (values.trunk ?? 'auto') as TrunkRuntime,
        // Unset unless given: a resumed run keeps the engine it started with.
        engine: values.engine === undefined ? undefined : torch ? 'torch' : 'tfjs',
        nproc: values.nproc === undefined ? undefined : nproc,
        device: values.device as 'cpu' | 'cuda' | undefined,
        importJob: values.import === undefined ? undefined : path.resolve(values.import),
        log,
        resume,
        // report.html shows the source highlighted by the editor grammar.
        source: loaded.source && { file: loaded.source.file, html: await highlightHtml(loaded.source.text) },
        stop: stop.signal,
        say: sayToWhoeverListens,
      });
      if (values.json) printSummaryJson(summary);
      return 0;
    } catch (error) {
      return reportRunError('run', error, { json: values.json });
    } finally {
      releaseBackend();
      restore();
    }
  },
};

/**
 * `--json`: the run's summary as one JSON object, the last stdout line (`tlc run` and `tlc
 * import-run`). `exported` is left out, as it always has been: scripts read this shape.
 */
export function printSummaryJson(summary: RunSummary): void {
  const { exported: _exported, ...rest } = summary;
  process.stdout.write(`${JSON.stringify(rest)}\n`);
}
