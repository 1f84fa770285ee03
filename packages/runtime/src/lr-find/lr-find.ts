// `tlc lr-find`: fastai's learning-rate range test on the pipeline's first stage. The run's own
// phases bring it there — backend, `batch auto`, preflight, data, model (run/phases/), and the
// tfjs engine's stage preparation (freezing, the split, the trunk, the feature cache) — then, on
// the stage's training images, its optimizer, loss, class weights and dropout, a few hundred
// steps at a rate growing exponentially from `start` to `end` (range-test.ts), stopping when the
// smoothed loss runs away. The weights it trains are thrown away: nothing is written but its own
// folder (lr-find.csv, lr-find.html, lr-find.json), made as a run folder is (never one holding
// files) and removed again when Ctrl-C stops the test.
import { existsSync, mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import { seedDropoutMasks } from '@tlc/zoo';
import type { BackendPreference } from '../backend/index';
import type { FeatureSource } from '../features/source';
import { prepareStage } from '../engines/tfjs/train-stage';
import type { TrunkRuntime } from '../onnx/trunk-runtime';
import { deriveSeed, STREAMS } from '../random';
import { writeFileAtomic, writeJsonAtomic } from '../run/atomic';
import { resolvedBatch } from '../run/batch-size';
import type { RunContext, RunOptions } from '../run/context';
import { InterruptGuard, yieldToEvents } from '../run/interrupt';
import { startBackend } from '../run/phases/backend';
import { resolveBatchSize } from '../run/phases/batch-size';
import { loadRunData } from '../run/phases/data';
import { buildModel } from '../run/phases/model';
import { preflight } from '../run/phases/preflight';
import { RunLog } from '../run/progress';
import { RunError, runtimeMessages } from '../messages';
import { assertRunDirFree, RUN_FILES, safeName, timestamp } from '../run/run-folder';
import { classWeights } from '../train/class-weights';
import { isMultiLabel, stageLoss } from '../train/loss';
import { rateGroups, type TargetLookup } from '../train/stage';
import { makeOptimizer } from '../train/optimizer';
import { isOutOfMemory, outOfMemory } from '../train/out-of-memory';
import { rangeTestHtml, formatRate } from './plot';
import { RANGE_TEST_DEFAULTS, RangeRecorder, rateAt, steepest, suggestValley, type RangePoint, type RangeTestSettings } from './range-test';

export const LR_FIND_FILES = { csv: 'lr-find.csv', plot: 'lr-find.html', result: 'lr-find.json' } as const;

export interface LrFindOptions extends Partial<RangeTestSettings> {
  /** The folder the plan's relative paths are relative to. */
  baseDir: string;
  /** `--data DIR`: the training folder (required when the plan has no data). */
  data?: string;
  /** `--out DIR`: the output folder (absent or empty); default `lr-find/<pipeline>/<time>/` beside `runs/`. */
  out?: string;
  backend?: BackendPreference;
  trunk?: TrunkRuntime;
  log?: RunLog;
  memoryCacheBytes?: number;
  /** Aborted to stop the test as SIGINT does (the CLI: its output was closed). */
  stop?: AbortSignal;
  say?: (line: string) => void;
}

/** What lr-find.json holds (and the CLI prints). */
export interface LrFindResult {
  outDir: string;
  pipeline: string;
  stage: string;
  backend: string;
  /** The settings the test ran with. */
  steps: number;
  start: number;
  end: number;
  batchSize: number;
  /** Steps taken (fewer than `steps` when the loss ran away). */
  taken: number;
  /** 'diverged' (the smoothed loss passed 4× its best), 'not a number', or 'completed'. */
  ended: 'completed' | 'diverged' | 'not a number';
  /** fastai's valley: the suggested learning rate (null without a finite loss). */
  suggestion: number | null;
  /** The line to paste into the stage: `lr 3.02e-3`. */
  line: string | null;
  /** fastai's steep: where the smoothed loss falls fastest (for comparison). */
  steepest: number | null;
  minLoss: number | null;
  /**
   * The stage's discriminative learning-rate groups (`lr … for`, `lr a .. b`), each with its rate's
   * ratio to the stage's base rate: the sweep kept these ratios, so the suggestion is the base
   * `lr` and a group's rate is the suggestion times its ratio. Empty without them.
   */
  rateGroups: { blocks: string[]; layers: string[]; ratio: number }[];
}

export async function lrFind(plan: Plan, options: LrFindOptions): Promise<LrFindResult> {
  const settings: RangeTestSettings = {
    steps: options.steps ?? RANGE_TEST_DEFAULTS.steps,
    start: options.start ?? RANGE_TEST_DEFAULTS.start,
    end: options.end ?? RANGE_TEST_DEFAULTS.end,
  };
  const log = options.log ?? new RunLog();
  const guard = new InterruptGuard({
    stop: options.stop, say: options.say, command: 'tlc lr-find',
    unsaved: 'interrupted: the range test stopped, its folder removed; nothing else was written',
  });
  const runOptions: RunOptions = { baseDir: options.baseDir, data: options.data, backend: options.backend, trunk: options.trunk, log, memoryCacheBytes: options.memoryCacheBytes };
  let outDir: string | null = null;
  let madeParents: string[] = [];
  try {
    const backend = await startBackend(options.backend, log);
    if (options.out) assertRunDirFree(options.out, 'lr-find/<pipeline>/<time>/');
    // `batch auto` resolved for this backend first, as a run does: the stage below has a number.
    plan = (await resolveBatchSize(plan, backend, log, { baseDir: options.baseDir })).plan;
    // The plan schema asks for one stage at least.
    const stage = plan.stages[0]!;
    // The run's preflight, for what the test reads (no evaluation, export or predict) and where it writes.
    const target = options.out ? resolve(options.out) : join(options.baseDir, 'lr-find', safeName(plan.name));
    const ready = await preflight({ ...plan, evaluate: null, export: null, predict: null }, { ...runOptions, out: target }, log);
    const data = await loadRunData(plan, runOptions, log);
    const made = createOutputDir(plan.name, options.baseDir, options.out);
    outDir = made.dir;
    madeParents = made.parents;
    guard.setRunDir(outDir, true);
    // Stopped, it leaves nothing: its folder and the empty parents it made go.
    guard.onInterrupt(() => removeOutput(made.dir, made.parents));
    const run: RunContext = { plan, options: runOptions, log, runDir: outDir, guard };
    const { model, backboneLayers } = await buildModel(run, null, ready.weights);
    const batchSize = resolvedBatch(stage.batchSize);
    log.line(`lr-find: stage ${stage.name}, ${settings.steps} steps from ${settings.start} to ${settings.end} (batch ${batchSize}, ${stage.optimizer.name})`);
    const prepared = await prepareStage(
      {
        plan, index: 0, stage, epochs: 1, model, backboneLayers,
        data: { plan: data.plan, classes: data.loaded.classes, training: data.loaded.training, validation: data.loaded.validation },
        runDir: outDir, trunk: options.trunk ?? 'auto', memoryCacheBytes: options.memoryCacheBytes, resume: null,
      },
      { line: (text) => log.line(text) },
      { validation: false },
    );
    let recorder: RangeRecorder;
    try {
      recorder = await rangeTest(prepared.split.tail, plan, stage, prepared.train, {
        settings, batchSize,
        classWeights: classWeights(stage.classWeights, data.loaded.classes, data.loaded.training.labels),
        dropoutSeed: deriveSeed(data.plan.seed, STREAMS.dropout, 0),
        targets: isMultiLabel(plan.head) ? (i) => data.loaded.training.targetRows(i) : null,
        log,
      });
    } finally {
      await prepared.dispose();
      model.dispose();
      // A feature cache on disk served this process only.
      rmSync(join(outDir, RUN_FILES.features), { recursive: true, force: true });
    }
    assertRecorded(recorder, stage.name);
    const points = recorder.points;
    const valley = suggestValley(points, settings.steps);
    const suggestion = valley?.lr ?? null;
    const result: LrFindResult = {
      outDir, pipeline: plan.name, stage: stage.name, backend, ...settings, batchSize,
      taken: points.length,
      ended: recorder.stopped ?? 'completed',
      suggestion,
      line: suggestion === null ? null : `lr ${formatRate(suggestion)}`,
      steepest: steepest(points, settings.steps),
      minLoss: points.length === 0 ? null : recorder.bestLoss,
      rateGroups: stage.layerLearningRates.map((g) => ({ blocks: g.blocks, layers: g.layers, ratio: g.learningRate / stage.optimizer.learningRate })),
    };
    const dir = outDir;
    await guard.whileWriting(() => {
      writeFileAtomic(join(dir, LR_FIND_FILES.csv), rangeCsv(points));
      writeFileAtomic(join(dir, LR_FIND_FILES.plot), rangeTestHtml({ pipeline: plan.name, stage: stage.name, points, suggestion, steepest: result.steepest, ended: endedText(result) }));
      writeJsonAtomic(join(dir, LR_FIND_FILES.result), result);
    });
    log.line(`lr-find: ${endedText(result)}; lowest smoothed loss ${result.minLoss?.toFixed(4) ?? '-'}`);
    log.line(suggestion === null ? 'lr-find: no suggestion (no finite loss)' : `suggested learning rate: ${suggestion.toExponential(2)} (fastai's valley; steepest descent at ${result.steepest?.toExponential(2)})`);
    if (result.line) log.line(`paste into stage ${stage.name}:  ${result.line}`);
    if (suggestion !== null && stage.layerLearningRates.length > 0) {
      // The groups were swept at their ratios to the stage's rate: say what keeps those ratios.
      const scale = suggestion / stage.optimizer.learningRate;
      const groups = stage.layerLearningRates.map((g) => `${g.blocks.length > 0 ? g.blocks.join('+') : `${g.layers[0]}..${g.layers[g.layers.length - 1]}`} at ${formatRate(g.learningRate * scale)}`);
      log.line(`lr-find: the suggestion is the stage's base lr; its discriminative rates moved with the swept rate, each at its ratio to the stage's lr; to keep the ratios: ${groups.join(', ')}`);
    }
    log.line(`lr-find folder: ${outDir} (${LR_FIND_FILES.plot}, ${LR_FIND_FILES.csv})`);
    return result;
  } catch (error) {
    // A test that failed leaves nothing behind.
    if (outDir) removeOutput(outDir, madeParents);
    throw error;
  } finally {
    guard.dispose();
  }
}

export interface RangeTestRun {
  settings: RangeTestSettings;
  batchSize: number;
  classWeights: number[] | null;
  dropoutSeed: number;
  /** A multi-label head: the multi-hot targets of the training images at these indices. */
  targets: TargetLookup | null;
  log: RunLog;
}

/** The steps themselves: one batch each (epochs of the training images, reshuffled, as many as needed). */
export async function rangeTest(tail: tf.LayersModel, plan: Plan, stage: Plan['stages'][number], train: FeatureSource, run: RangeTestRun): Promise<RangeRecorder> {
  const { settings } = run;
  // Discriminative learning rates move with the swept rate, each group at its ratio to the
  // stage's, as a schedule moves them: block4 at a tenth of the head stays at a tenth.
  const optimizer = makeOptimizer(stage.optimizer, rateGroups(tail, stage));
  const variables = tail.trainableWeights.map((w) => w.read() as tf.Variable);
  const weights = run.classWeights ? tf.keep(tf.tensor1d(run.classWeights)) : null;
  const recorder = new RangeRecorder();
  const started = performance.now();
  let step = 0;
  try {
    for (let epoch = 1; step < settings.steps && recorder.stopped === null; epoch++) {
      let batch = 0;
      for await (const data of train.batches(epoch)) {
        batch++;
        const lr = rateAt(step, settings);
        const labels = tf.tensor1d(data.labels, 'int32');
        // mixup / cutmix batches train towards their mixed targets, as in the stage.
        const mix = data.mix ? { lambda: data.mix.lambda, labels: tf.tensor1d(data.mix.labels, 'int32') } : undefined;
        seedDropoutMasks(deriveSeed(run.dropoutSeed, epoch, batch));
        optimizer.setLearningRate(lr);
        // A multi-label head trains against each image's multi-hot targets, as the stage's loop does.
        const targets = run.targets ? tf.tensor2d(run.targets(data.indices), [data.indices.length, plan.head.outputUnits]) : undefined;
        const cost = optimizer.step(() => stageLoss(tail.apply(data.x, { training: true }) as tf.Tensor, labels, plan.head, stage.loss, weights, stage.labelSmoothing, mix, targets), variables);
        targets?.dispose();
        const loss = (await cost.data())[0];
        tf.dispose([cost, labels, data.x, ...(mix ? [mix.labels] : [])]);
        recorder.record(step, lr, loss);
        step++;
        const last = recorder.points[recorder.points.length - 1];
        run.log.batch({
          stage: 'lr-find', epoch: 1, epochs: 1, batch: step, batches: settings.steps,
          loss: last?.smoothed ?? loss, accuracy: 0, images: step * run.batchSize, seconds: (performance.now() - started) / 1000,
        });
        await yieldToEvents();
        // Done: the rest of the pass is not computed (a live trunk would run on every batch).
        if (step >= settings.steps || recorder.stopped !== null) break;
      }
    }
    return recorder;
  } catch (error) {
    throw isOutOfMemory(error) ? outOfMemory(stage.name, run.batchSize, error) : error;
  } finally {
    seedDropoutMasks(null);
    weights?.dispose();
    optimizer.dispose();
  }
}

/** TL4211 when the first step's loss was not a number: no curve, nothing to suggest. */
export function assertRecorded(recorder: RangeRecorder, stage: string): void {
  if (recorder.points.length === 0) throw new RunError(runtimeMessages.lrFindNoLoss(stage));
}

function endedText(r: LrFindResult): string {
  if (r.ended === 'diverged') return `stopped at step ${r.taken} of ${r.steps}: the smoothed loss passed 4 times its lowest`;
  if (r.ended === 'not a number') return `stopped at step ${r.taken + 1} of ${r.steps}: the loss was not a number`;
  return `all ${r.steps} steps taken`;
}

/** step, lr, loss, smoothed_loss: one row per step. */
export function rangeCsv(points: RangePoint[]): string {
  return ['step,lr,loss,smoothed_loss', ...points.map((p) => `${p.step + 1},${p.lr},${p.loss},${p.smoothed}`)].join('\n') + '\n';
}

/**
 * The test's folder: `out` (absent or empty, else TL4206), or a new `lr-find/<pipeline>/<time>/`
 * under `baseDir`, made with a non-recursive mkdir, so of two tests starting at once each gets its
 * own; with the folders above it that did not exist (`parents`, deepest first).
 */
function createOutputDir(pipeline: string, baseDir: string, out?: string): { dir: string; parents: string[] } {
  if (out) {
    const dir = resolve(out);
    assertRunDirFree(dir, 'lr-find/<pipeline>/<time>/');
    return { dir, parents: makeParents(dirname(dir), () => mkdirSync(dir, { recursive: true })) };
  }
  const parent = join(baseDir, 'lr-find', safeName(pipeline));
  const parents = makeParents(parent, () => mkdirSync(parent, { recursive: true }));
  const stamp = timestamp();
  for (let n = 1; ; n++) {
    const dir = join(parent, n === 1 ? stamp : `${stamp}-${n}`);
    try {
      mkdirSync(dir);
      return { dir, parents };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Runs `make`, and returns the folders from `folder` up that did not exist before it, deepest first. */
function makeParents(folder: string, make: () => void): string[] {
  const missing: string[] = [];
  for (let f = resolve(folder); !existsSync(f) && dirname(f) !== f; f = dirname(f)) missing.push(f);
  make();
  return missing;
}

/** Removes the test's folder and, when empty, the folders above it that it made. */
function removeOutput(dir: string, parents: string[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const parent of parents) {
    try {
      rmdirSync(parent);
    } catch {
      return; // not empty (another test's folder), or gone: leave the rest
    }
  }
}
