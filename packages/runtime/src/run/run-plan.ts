// `tlc run`: executes a validated plan, in eight phases, one call each (run/phases/):
//
//   plan + options ──▶ 1 backend     the tfjs backend (--backend), printed
//                      1b batch      `batch auto` → a number for this backend, printed (batch.json)
//                      2 data        scan, validation split, decode, bad images; head vs classes (TL4001)
//                                    (first: --resume's data and options, or --out checked free;
//                                    then the preflight: every folder, file and download the run
//                                    needs, before any decoding)
//                      3 run folder  runs/<pipeline>/<time>/ + plan.json, or the resumed one
//                      4 model       zoo backbone + starting weights + head (+ the last checkpoint)
//                   ┌─ 5 stages      per stage, engine.trainStage (engine/engine.ts; tfjs:
//                   │                engines/tfjs/): freeze, trunk, feature cache, the epochs;
//                   │                after each epoch metrics.csv, checkpoints/, state.json
//                   └▶ 6 evaluate    evaluation.json
//                      7 export      model/ (and the plan's export path), predictions.json
//                      8 report      report.html, the summary line ──▶ RunSummary
//
// Everything but phase 5's engine is engine-independent.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '@tlc/plan';
import type { TrainingEngine } from '../engine/engine';
import { tfjsEngine } from '../engines/tfjs/index';
import { findTorchPython, importedTorchEngine, torchEngine } from '../engines/torch/index';
import type { RunOptions } from './context';
import { InterruptGuard } from './interrupt';
import { writeJsonAtomic } from './atomic';
import { startBackend } from './phases/backend';
import { resolveBatchSize } from './phases/batch-size';
import { loadRunData } from './phases/data';
import { preflight } from './phases/preflight';
import { evaluateRun } from './phases/evaluate';
import { exportRun } from './phases/export';
import { buildModel } from './phases/model';
import { reportRun, type RunSummary } from './phases/report';
import { checkRunFolder, openRunFolder } from './phases/run-folder';
import { lockRunFolder, type RunLock } from './run-lock';
import { trainStages } from './phases/stages';
import { RunLog } from './progress';
import { RUN_FILES } from './run-folder';

export type { RunOptions } from './context';
export type { RunSummary, StageSummary } from './phases/report';

export async function runPlan(plan: Plan, runOptions: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const log = runOptions.log ?? new RunLog();
  // The torch engine's TL4320 (no PyTorch) before any work.
  if (runOptions.engine === 'torch' && !runOptions.importJob) findTorchPython();
  // Ctrl-C (or a closed output) stops the run in every phase from here on (run/interrupt.ts).
  const guard = new InterruptGuard({ stop: runOptions.stop, say: runOptions.say });
  // One process at a time in a run folder (run/run-lock.ts): released however the run ends.
  let lock: RunLock | undefined;
  guard.onInterrupt(() => lock?.release());
  try {
    // A resume locks its folder before reading (and repairing) it.
    if (runOptions.resume) lock = lockRunFolder(runOptions.resume);
    // 1 backend
    const backend = await startBackend(runOptions.backend, log);
    // 2 data (the run folder checked first: a resumed run's options say which data; --out must be
    // free; then everything else the run needs, before any decoding)
    const { resumed, options } = checkRunFolder(runOptions, log);
    // 1b `batch auto` → a number, for this backend (a resumed run's own); plan.json keeps 'auto'
    const written = plan;
    const batch = await resolveBatchSize(written, backend, log, { baseDir: options.baseDir, ...(resumed && options.resume ? { resumeDir: options.resume } : {}) });
    plan = batch.plan;
    const ready = await preflight(plan, options, log);
    const data = await loadRunData(plan, options, log);
    // 3 run folder + resume
    const runDir = openRunFolder(written, options, resumed);
    lock ??= lockRunFolder(runDir);
    if (batch.choice && !resumed) writeJsonAtomic(join(runDir, RUN_FILES.batch), batch.choice);
    guard.setRunDir(runDir, !resumed);
    const lastSaved = resumed?.records[resumed.records.length - 1];
    if (lastSaved) guard.epochSaved(lastSaved.stage, lastSaved.epoch);
    // A feature cache on disk serves only the process that built it.
    guard.onInterrupt(() => rmSync(join(runDir, RUN_FILES.features), { recursive: true, force: true }));
    const run = { plan, options, log, runDir, guard };
    // 4 model
    const model = await buildModel(run, resumed, ready.weights);
    // 5 stages
    const trained = await trainStages(engineFor(options), run, data, model, resumed);
    // 6 evaluate
    const evaluation = await evaluateRun(run, model, data);
    // 7 export (+ predict)
    const exported = await exportRun(run, model.model, data.loaded.classes);
    // 8 report
    const summary = reportRun(run, { started, backend: trained.backend ?? backend, trained, evaluation, exported });
    model.model.dispose();
    await data.loaded.training.close();
    await data.loaded.validation?.close();
    return summary;
  } finally {
    lock?.release();
    guard.dispose();
  }
}

/** The engine `--engine` names: tfjs unless torch is asked for (auto never picks torch). */
function engineFor(options: RunOptions): TrainingEngine {
  if (options.engine === 'torch' && options.importJob) return importedTorchEngine(options.importJob);
  return options.engine === 'torch' ? torchEngine({ nproc: options.nproc ?? 1, device: options.device ?? 'cpu' }) : tfjsEngine;
}
