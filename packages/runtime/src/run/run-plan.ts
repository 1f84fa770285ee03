// `tlc run`: executes a validated plan. The pipeline, in order:
//   backend -> data (scan, validation split, bad-image check) -> head/classes check (TL4001)
//   -> model (zoo backbone + weights + head) -> per stage: freeze, split at the freeze point,
//      trunk features (cached once, or live with augmentation), train the tail
//   -> evaluate -> export -> predict -> report.html, with everything under the run folder.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../train/optimizer';
import type { DataPlan, Plan, StagePlan } from '@tlc/plan';
import { specDataPlan } from '@tlc/plan';
import { loadModelFromDir, saveModelToDir } from '@tlc/zoo';
import { describeBackend, selectBackend, type BackendPreference } from '../backend/index';
import { evaluateModel, type Evaluation } from '../evaluate/evaluate';
import { exportModel } from '../export/export';
import { predictFiles } from '../export/predict';
import { loadData, loadLabelledFolder, decodeOptionsOf, type LoadedData } from '../data/load';
import type { ImageDataset } from '../data/dataset';
import { CachedFeatures } from '../features/cache';
import { DiskCachedFeatures } from '../features/disk-cache';
import { LiveFeatures } from '../features/live';
import type { FeatureSource } from '../features/source';
import { TrunkRunner } from '../features/trunk';
import { startTrunkEngine, type TrunkEngine } from '../onnx/engine';
import { assembleModel, checkHeadFitsClasses } from '../model/assemble';
import { applyFreeze } from '../model/freeze';
import { splitAtFreezePoint, type SplitModel } from '../model/split';
import { deriveSeed, STREAMS } from '../random';
import { classWeights } from '../train/class-weights';
import { installCpuTrainingKernels } from '../train/cpu-kernels';
import { PRECISE_BN_IMAGES, trainedBatchNorms } from '../train/precise-bn';
import { runStage, type EpochRecord, type StageState } from '../train/stage';
import { isOutOfMemory, outOfMemory } from '../train/out-of-memory';
import { decodeOptimizerState, encodeOptimizerState } from '../train/optimizer-state';
import { writeJsonAtomic, writeFileAtomic } from './atomic';
import { InterruptGuard } from './interrupt';
import { ensureTrainingKernels } from './kernels';
import { writeMetricsCsv } from './metrics-csv';
import { pixelSource } from './pixels';
import { RunLog } from './progress';
import { highlightHtml } from '@tlc/language';
import { reportHtml } from './report-html';
import { RunError } from './errors';
import { readRunState, writeRunState } from './resume';
import { assertRunDirFree, createRunDir, RUN_FILES } from './run-folder';

export interface RunOptions {
  /** The folder the plan's relative paths are relative to. */
  baseDir: string;
  /** `--data DIR`: the training folder (required when the plan has no data). */
  data?: string;
  /** `--out DIR`: the run folder. */
  out?: string;
  /** `--epochs N`: overrides every stage's epoch count. */
  epochs?: number;
  backend?: BackendPreference;
  /** `--trunk auto|onnx|tfjs`: the engine that runs the frozen trunk (default auto: onnxruntime when it loads). */
  trunk?: TrunkEngine;
  log?: RunLog;
  /** Continue the run in this folder from its last completed epoch (`--resume RUN_DIR`). */
  resume?: string;
  /** Feature caches larger than this go to disk under the run folder (default 1 GiB). */
  memoryCacheBytes?: number;
  /** The `.tl` source the plan came from, shown (highlighted) in report.html; never executed. */
  source?: { file: string; text: string };
}

export interface StageSummary {
  name: string;
  epochs: number;
  /** The last epoch's metrics. */
  metrics: Omit<EpochRecord, 'stage' | 'epoch'>;
  stoppedEarly: boolean;
  bestEpoch: number;
  /** Images that went through the frozen trunk during the stage (with the cache: each once). */
  trunkImages: number;
}

export interface RunSummary {
  runDir: string;
  backend: string;
  trunk: string;
  stages: StageSummary[];
  evaluation: Pick<Evaluation, 'accuracy' | 'perClass' | 'confusion'> | null;
  exported: string | null;
  seconds: number;
}

/** The plan's data statement, or one made from `--data` for a model spec without data. */
function dataPlan(plan: Plan, options: RunOptions): DataPlan {
  const directory = options.data ? resolve(options.data) : plan.data ? resolve(options.baseDir, plan.data.directory) : null;
  if (directory === null) {
    throw new RunError('TL4204', 'the plan has no `data` statement (a model spec): give the image folder with --data DIR');
  }
  if (plan.data) return { ...plan.data, directory };
  // A model spec: what `data "DIR"` would compile to, batched as its first stage says.
  const spec = specDataPlan(plan, directory);
  return { ...spec, batchSize: plan.stages[0]?.batchSize ?? spec.batchSize };
}

/** The trunk for the log and report; a trunk that takes the head's pooling names the backbone output too. */
function describeTrunk(split: SplitModel, cached: boolean, backboneLayers: ReadonlySet<string>, backboneOutput: string): string {
  if (!split.trunk || split.cutLayer === null) return 'none (everything trains)';
  const span = backboneLayers.has(split.cutLayer) ? split.cutLayer : `${backboneOutput} + ${split.cutLayer}`;
  return `input..${span} (${split.trunk.layers.length - 1} layers, forward only${cached ? ', features cached' : ''})`;
}

export async function runPlan(plan: Plan, options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const log = options.log ?? new RunLog();
  const backend = await selectBackend(options.backend ?? 'auto');
  log.line(describeBackend());

  const resumed = options.resume ? readRunState(options.resume, (note) => log.line(`note: ${note}`)) : null;
  if (resumed) {
    options = { ...options, baseDir: resumed.baseDir, data: resumed.data ?? undefined, epochs: resumed.epochs ?? undefined };
  }
  // Before any decoding: a run never writes into a folder that holds files (TL4206).
  if (!options.resume && options.out) assertRunDirFree(options.out);
  const data = dataPlan(plan, options);
  const loaded = await loadData(data, options.baseDir);
  loaded.warnings.forEach((w) => log.line(`warning: ${w}`));
  const classNames = loaded.classes;
  checkHeadFitsClasses(plan, classNames);
  const validationSize = loaded.validation?.size ?? 0;
  log.line(`data: ${loaded.training.size} training images, ${validationSize} validation images, classes ${classNames.join(', ')}`);

  const runDir = options.resume ? resolve(options.resume) : createRunDir(plan.name, options.baseDir, options.out);
  if (!resumed) writeJsonAtomic(join(runDir, RUN_FILES.plan), plan);
  const guard = new InterruptGuard(runDir);
  try {

    const assembled = await assembleModel(plan, {
      baseDir: options.baseDir,
      onDownload: (received, total) => log.line(`downloading weights: ${(received / 1e6).toFixed(1)}${total ? `/${(total / 1e6).toFixed(1)}` : ''} MB`),
    });
    const { model, backboneLayers } = assembled;
    if (assembled.weightsNote) log.line(assembled.weightsNote);
    let backendName: string = backend.name;

    if (resumed) {
      const last = await weightsFromDir(join(runDir, RUN_FILES.last), model);
      model.setWeights(last);
      last.forEach((t) => t.dispose());
      log.line(`resuming ${runDir}: stage ${plan.stages[resumed.stageIndex]?.name ?? '(done)'} after epoch ${resumed.stage.completedEpochs}`);
    }
    const records: EpochRecord[] = resumed ? [...resumed.records] : [];
    const trunkImages: number[] = resumed ? [...resumed.trunkImages] : [];
    let trunkDescription = 'none';
    const saveState = (stageIndex: number, stage: StageState) =>
      writeRunState(runDir, {
        version: 1, baseDir: options.baseDir, data: options.data ?? null, epochs: options.epochs ?? null,
        stageIndex, stage, records, trunkImages,
      });
    for (const [index, stage] of plan.stages.entries()) {
      if (resumed && index < resumed.stageIndex) continue;
      const resumeState = resumed && index === resumed.stageIndex ? resumed.stage : null;
      const epochs = options.epochs ?? stage.epochs;
      if (resumeState && (resumeState.stopped || resumeState.completedEpochs >= epochs)) continue;
      applyFreeze(model, {
        frozen: new Set(stage.frozenLayers),
        backbone: backboneLayers,
        batchNormInference: stage.batchNormInference,
      });
      const split = splitAtFreezePoint(model, new Set(stage.frozenLayers));
      const switched = await ensureTrainingKernels(split.tail);
      if (switched) {
        backendName = switched.backend;
        log.line(switched.note);
      }
      if (tf.getBackend() === 'cpu') installCpuTrainingKernels();
      const engine = split.trunk ? await startTrunkEngine(split.trunk, options.trunk ?? 'auto', { preprocess: plan.preprocess }) : null;
      const runner = new TrunkRunner(split.trunk, plan.preprocess, engine?.onnx ?? null);
      const augmented = data.augment !== null;
      const cached = !augmented;
      const cacheBytes = featureBytes(split, loaded.training.size + validationSize, plan.model.inputShape);
      const onDisk = cached && cacheBytes > (options.memoryCacheBytes ?? MEMORY_CACHE_BYTES);
      const cacheFile = (which: string) => (onDisk ? join(runDir, RUN_FILES.features, `${index + 1}-${stage.name}-${which}.f32`) : null);
      trunkDescription = describeTrunk(split, cached, backboneLayers, plan.model.outputLayer);
      log.line(`stage ${stage.name}: trunk ${trunkDescription}`);
      if (engine) log.line(`trunk engine: ${engine.description}`);
      const trainedBn = trainedBatchNorms(split.tail).length;
      if (trainedBn > 0) log.line(`batch norm: ${trainedBn} layers train; their statistics are recomputed on ${PRECISE_BN_IMAGES} training images after each epoch`);
      if (split.trunk !== null && augmented) log.line('augmentation is on: the feature cache is off, the trunk runs on every batch');
      const train = await featureSource(loaded.training, runner, data, stage, cached, true, cacheFile('train'));
      if (cached && split.trunk) {
        const where = onDisk ? `on disk (${(cacheBytes / 2 ** 20).toFixed(0)} MiB under ${RUN_FILES.features}/)` : `in memory (${(cacheBytes / 2 ** 20).toFixed(1)} MiB)`;
        log.line(`feature cache: ${runner.imagesSeen} training images through the trunk once, features ${where}; later epochs run only the tail`);
      }
      const validation = loaded.validation && loaded.validation.size > 0
        ? await featureSource(loaded.validation, runner, data, stage, cached || split.trunk !== null, false, cacheFile('validation'))
        : null;
      const bestDir = join(runDir, RUN_FILES.best);
      const resumeBest = resumeState && resumeState.completedEpochs > 0 && existsSync(join(bestDir, 'model.json'))
        ? await weightsFromDir(bestDir, model)
        : null;
      const resumeOptimizer = resumeState && resumeState.completedEpochs > 0 ? readOptimizerState(runDir, index, resumeState.completedEpochs) : null;
      if (resumeState && resumeState.completedEpochs > 0 && !resumeOptimizer) log.line(`warning: ${RUN_FILES.optimizer} does not match epoch ${resumeState.completedEpochs}: the optimizer's moments restart`);
      const result = await runStage({
        model, tail: split.tail, head: plan.head, stage, epochs, train, validation,
        classWeights: classWeights(stage.classWeights, classNames, loaded.training.labels),
        batchSize: stage.batchSize,
        dropoutSeed: deriveSeed(data.seed, STREAMS.dropout, index),
        onBatch: (p) => log.batch(p),
        // The epoch's files are all written (state.json last) before its line is printed.
        onEpoch: (record, best, state, optimizer) => guard.whileWriting(async () => {
          records.push(record);
          writeMetricsCsv(join(runDir, RUN_FILES.metrics), records);
          if (best) await saveModelToDir(model, bestDir);
          await saveModelToDir(model, join(runDir, RUN_FILES.last));
          writeFileAtomic(join(runDir, RUN_FILES.optimizer), encodeOptimizerState({ stage: index, epoch: record.epoch, tensors: optimizer }));
          saveState(index, state);
          guard.epochSaved(stage.name, record.epoch);
          log.epoch(record, epochs);
        }),
        ...(resumeState ? { resume: { state: resumeState, best: resumeBest, optimizer: resumeOptimizer } } : {}),
      });
      dispose(train);
      dispose(validation);
      await runner.dispose();
      trunkImages[index] = (trunkImages[index] ?? 0) + runner.imagesSeen;
      // The stage ends with its best weights restored: the next stage (or a resume) starts there.
      await guard.whileWriting(async () => {
        await saveModelToDir(model, join(runDir, RUN_FILES.last));
        saveState(index + 1, { completedEpochs: 0, checkpoint: { best: null, bestEpoch: -1, waited: 0 }, early: null, stopped: false });
      });
      if (result.stoppedEarly) log.line(`stage ${stage.name}: early stop after epoch ${records[records.length - 1].epoch}; best epoch ${result.bestEpoch} restored`);
    }
    const stages = plan.stages.map((stage, index) => stageSummary(stage, index, options.epochs ?? stage.epochs, records, trunkImages));

    let evaluation: Evaluation | null = null;
    if (plan.evaluate) {
      const dataset = await evaluationSet(plan, loaded, data, options.baseDir, log);
      const on = plan.evaluate.on === 'validation' ? 'validation' : plan.evaluate.directory ?? '';
      if (!dataset || dataset.size === 0) {
        log.line('evaluate: no validation images to evaluate on (the plan has no validation split)');
      } else {
        const batchSize = plan.stages[0]?.batchSize ?? data.batchSize;
        const source = new LiveFeatures(pixelSource(dataset, { batchSize, shuffle: false, seed: data.seed, augment: null }), new TrunkRunner(null, plan.preprocess));
        const files = dataset.files.map((f) => relative(options.baseDir, f));
        evaluation = await evaluateModel(model, plan.head, source, files, classNames, on);
        writeJsonAtomic(join(runDir, RUN_FILES.evaluation), evaluation);
        log.line(`evaluation on ${on}: accuracy ${(evaluation.accuracy * 100).toFixed(1)}% (${evaluation.images} images, ${evaluation.misclassified.length} misclassified)`);
      }
    }

    await guard.whileWriting(() => exportModel(model, plan, classNames, join(runDir, RUN_FILES.model)));
    let exported: string | null = null;
    if (plan.export) {
      const path = resolve(options.baseDir, plan.export.path);
      exported = path;
      await guard.whileWriting(() => exportModel(model, plan, classNames, path));
      log.line(`exported the model to ${exported}`);
    }
    if (plan.predict) {
      const predictions = await predictFiles(model, plan, classNames, [resolve(options.baseDir, plan.predict.directory)]);
      writeJsonAtomic(join(runDir, RUN_FILES.predictions), predictions);
      for (const p of predictions) log.line(`predict ${p.file}: ${p.label} (${(Math.max(...Object.values(p.probabilities)) * 100).toFixed(1)}%)`);
    }

    const seconds = (performance.now() - started) / 1000;
    const source = options.source ? { file: options.source.file, html: await highlightHtml(options.source.text) } : undefined;
    writeFileAtomic(join(runDir, RUN_FILES.report), reportHtml({ pipeline: plan.name, backend: backendName, trunk: trunkDescription, seconds, epochs: records, evaluation, source }));
    const stageLines = stages.map((st) => {
      const best = records.find((r) => r.stage === st.name && r.epoch === st.bestEpoch);
      const val = best?.val_accuracy ?? best?.accuracy;
      return `${st.name} ${st.epochs} epoch${st.epochs === 1 ? '' : 's'} (best ${st.bestEpoch}${val === undefined ? '' : `, accuracy ${(val * 100).toFixed(1)}%`})`;
    });
    const evaluated = evaluation ? `; evaluation ${(evaluation.accuracy * 100).toFixed(1)}%` : '';
    log.line(`summary: ${stageLines.join(', ')}${evaluated}; ${seconds.toFixed(1)} s on ${backendName}`);
    log.line(`run folder: ${runDir} (report.html, metrics.csv, model/)`);
    model.dispose();
    return {
      runDir, backend: backendName, trunk: trunkDescription, stages,
      evaluation: evaluation ? { accuracy: evaluation.accuracy, perClass: evaluation.perClass, confusion: evaluation.confusion } : null,
      exported, seconds,
    };
  } finally {
    guard.dispose();
  }
}

/** The images `evaluate` names: the validation set, or another labelled folder. */
async function evaluationSet(plan: Plan, loaded: LoadedData, data: DataPlan, baseDir: string, log: RunLog): Promise<ImageDataset | null> {
  if (plan.evaluate?.on !== 'directory') return loaded.validation;
  const dir = resolve(baseDir, plan.evaluate.directory ?? '');
  const { dataset, warnings } = await loadLabelledFolder(dir, loaded.classes, { ...decodeOptionsOf(data), onBadImage: data.onBadImage, role: 'evaluation folder' });
  warnings.forEach((w) => log.line(`warning: ${w}`));
  return dataset;
}

/** Tail inputs for a dataset: trunk features cached once (in memory, or in `cacheFile`), or computed per batch. */
async function featureSource(
  dataset: ImageDataset, runner: TrunkRunner, data: DataPlan, stage: StagePlan, cache: boolean, training: boolean, cacheFile: string | null,
): Promise<FeatureSource> {
  const shuffle = training && data.shuffle;
  try {
    return await buildFeatureSource(dataset, runner, data, stage, cache, training, cacheFile, shuffle);
  } catch (error) {
    throw isOutOfMemory(error) ? outOfMemory(stage.name, stage.batchSize, error) : error;
  }
}

async function buildFeatureSource(
  dataset: ImageDataset, runner: TrunkRunner, data: DataPlan, stage: StagePlan, cache: boolean, training: boolean, cacheFile: string | null, shuffle: boolean,
): Promise<FeatureSource> {
  if (!cache) {
    return new LiveFeatures(pixelSource(dataset, { batchSize: stage.batchSize, shuffle, seed: data.seed, augment: training ? data.augment : null }), runner);
  }
  const inOrder = pixelSource(dataset, { batchSize: stage.batchSize, shuffle: false, seed: data.seed, augment: null });
  const options = { batchSize: stage.batchSize, shuffle, seed: data.seed };
  return cacheFile ? DiskCachedFeatures.build(inOrder, runner, cacheFile, options) : CachedFeatures.build(inOrder, runner, options);
}

/** The optimizer state saved after `epoch` of stage `stage`, or null when there is none for it. */
function readOptimizerState(runDir: string, stage: number, epoch: number): NamedTensor[] | null {
  const file = join(runDir, RUN_FILES.optimizer);
  if (!existsSync(file)) return null;
  const saved = decodeOptimizerState(readFileSync(file));
  if (saved && saved.stage === stage && saved.epoch === epoch) return saved.tensors;
  saved?.tensors.forEach((t) => t.tensor.dispose());
  return null;
}

/** A saved model's weights in `model.weights` order, matched by name (saved order may differ). */
async function weightsFromDir(dir: string, model: tf.LayersModel): Promise<tf.Tensor[]> {
  const saved = await loadModelFromDir(dir);
  const byName = new Map(saved.weights.map((w) => [w.originalName, w.read()]));
  try {
    return model.weights.map((w) => {
      const value = byName.get(w.originalName);
      if (!value) throw new RunError('TL4203', `the checkpoint in ${dir} has no weight ${w.originalName}: it belongs to another model`);
      return tf.keep(value.clone());
    });
  } finally {
    saved.dispose();
  }
}

/** A stage's summary from its epoch records (all of them, across a resume). */
function stageSummary(stage: StagePlan, index: number, epochs: number, records: EpochRecord[], trunkImages: number[]): StageSummary {
  const own = records.filter((r) => r.stage === stage.name);
  const last = own[own.length - 1];
  const monitor = stage.checkpoint.monitor as keyof EpochRecord;
  const values = own.map((r) => (r[monitor] ?? r[monitor.replace(/^val_/, '') as keyof EpochRecord]) as number);
  const bestValue = stage.checkpoint.mode === 'min' ? Math.min(...values) : Math.max(...values);
  const { stage: _s, epoch: _e, ...metrics } = last;
  return {
    name: stage.name, epochs: own.length, metrics,
    stoppedEarly: last.epoch < epochs,
    bestEpoch: own[values.indexOf(bestValue)]?.epoch ?? -1,
    trunkImages: trunkImages[index] ?? 0,
  };
}

/** Feature caches up to this size stay in memory; larger ones go to disk. */
const MEMORY_CACHE_BYTES = 2 ** 30;

/** Bytes of the cache: the trunk's outputs (or the pixels, without a trunk) for every image. */
function featureBytes(split: SplitModel, images: number, inputShape: number[]): number {
  const shape = split.trunk ? (split.trunk.outputs[0].shape.slice(1) as number[]) : inputShape;
  return images * shape.reduce((a, b) => a * b, 1) * 4;
}

function dispose(source: FeatureSource | null): void {
  if (source instanceof CachedFeatures || source instanceof DiskCachedFeatures) source.dispose();
}

