// The tfjs engine's stage: freeze the plan's layers, split the model at the freeze point, move
// to the cpu backend when the wasm one cannot train the tail's convolutions, start the frozen
// trunk (on onnxruntime when --trunk allows), build the tail's inputs (the feature cache, sized
// to memory or disk) — prepareStage, which `tlc lr-find` shares — then run the training loop (train/stage.ts) from where a resumed run left
// the stage, handing each epoch (and the optimizer's encoded state) to the run.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageEvents, StageJob, StageOutcome } from '../../engine/engine';
import type { FeatureSource } from '../../features/source';
import { TrunkRunner } from '../../features/trunk';
import { applyFreeze } from '../../model/freeze';
import { splitAtFreezePoint, type SplitModel } from '../../model/split';
import { startTrunkRuntime } from '../../onnx/trunk-runtime';
import { deriveSeed, STREAMS } from '../../random';
import { RUN_FILES } from '../../run/run-folder';
import { classWeights } from '../../train/class-weights';
import { isMultiLabel } from '../../train/loss';
import { installCpuTrainingKernels } from '../../backend/cpu-kernels';
import type { NamedTensor } from '../../train/optimizer';
import { decodeOptimizerState, encodeOptimizerState } from '../../train/optimizer-state';
import { PRECISE_BN_IMAGES, trainedBatchNorms } from '../../train/precise-bn';
import { runStage, stagePath, type StageRun } from '../../train/stage';
import { describeTrunk, disposeFeatures, featureBytes, featureSource, MEMORY_CACHE_BYTES } from './features';
import { ensureTrainingKernels } from './kernels';
import { resolvedBatch } from '../../run/batch-size';

/** A stage made ready to train: the model frozen and split, the trunk started, the tail's inputs built. */
export interface PreparedStage {
  split: SplitModel;
  /** The tail's training inputs (and validation's, unless not asked for). */
  train: FeatureSource;
  validation: FeatureSource | null;
  /** The trunk as the log and the report describe it. */
  trunkDescription: string;
  runner: TrunkRunner;
  /** The backend the stage moved to (wasm cannot train the tail's convolutions), or null. */
  backend: string | null;
  /** Frees the feature caches and the trunk. */
  dispose(): Promise<void>;
}

/** A multi-label head's multi-hot targets for runStage (nothing for another head). */
function multiLabelTargets({ plan, data }: StageJob): Pick<StageRun, 'targets'> {
  if (!isMultiLabel(plan.head)) return {};
  return { targets: { train: (i: ArrayLike<number>) => data.training.targetRows(i), validation: data.validation ? (i: ArrayLike<number>) => data.validation!.targetRows(i) : null } };
}

/**
 * Everything a stage does before its first step (also what `tlc lr-find` trains on): freezing,
 * the split at the freeze point, the training kernels, the trunk runtime, and the feature cache
 * (in memory, or on disk under job.runDir), printed as a run prints them. Without `validation`
 * the validation images are left alone.
 */
export async function prepareStage(job: StageJob, events: Pick<StageEvents, 'line'>, { validation: withValidation = true } = {}): Promise<PreparedStage> {
  const { plan, index, stage, model, data } = job;
  applyFreeze(model, {
    frozen: new Set(stage.frozenLayers),
    backbone: job.backboneLayers,
    batchNormInference: stage.batchNormInference,
  });
  const split = splitAtFreezePoint(model, new Set(stage.frozenLayers));
  const switched = await ensureTrainingKernels(split.tail);
  if (switched) events.line(switched.note);
  if (tf.getBackend() === 'cpu') installCpuTrainingKernels();
  const trunk = split.trunk ? await startTrunkRuntime(split.trunk, job.trunk, { preprocess: plan.preprocess }) : null;
  const runner = new TrunkRunner(split.trunk, plan.preprocess, trunk?.onnx ?? null);
  const augmented = data.plan.augment !== null;
  const cached = !augmented;
  const validationImages = withValidation ? (data.validation?.size ?? 0) : 0;
  const cacheBytes = featureBytes(split, data.training.size + validationImages, plan.model.inputShape);
  const onDisk = cached && cacheBytes > (job.memoryCacheBytes ?? MEMORY_CACHE_BYTES);
  const cacheFile = (which: string) => (onDisk ? join(job.runDir, RUN_FILES.features, `${index + 1}-${stage.name}-${which}.f32`) : null);
  const trunkDescription = describeTrunk(split, cached, job.backboneLayers, plan.model.outputLayer);
  events.line(`stage ${stage.name}: trunk ${trunkDescription}`);
  if (trunk) events.line(`trunk engine: ${trunk.description}`);
  events.line(`stage ${stage.name}: tail steps on ${stagePath({ tail: split.tail, head: plan.head, stage, ...multiLabelTargets(job) }).description}`);
  const trainedBn = trainedBatchNorms(split.tail).length;
  if (stage.layerLearningRates.length > 0) {
    const groups = stage.layerLearningRates.map((g) => `${g.blocks.length > 0 ? g.blocks.join('+') : `${g.layers[0]}..${g.layers[g.layers.length - 1]}`} at ${g.learningRate}`);
    events.line(`learning rates: ${groups.join(', ')}; every other trained layer and the head at ${stage.optimizer.learningRate}`);
  }
  if (trainedBn > 0) events.line(`batch norm: ${trainedBn} layers train; their statistics are recomputed on ${Math.min(PRECISE_BN_IMAGES, data.training.size)} training images after each epoch`);
  if (split.trunk !== null && augmented) events.line('augmentation is on: the feature cache is off, the trunk runs on every batch');
  const train = await featureSource(data.training, runner, data.plan, stage, cached, true, cacheFile('train'));
  if (cached && split.trunk) {
    const where = onDisk ? `on disk (${(cacheBytes / 2 ** 20).toFixed(0)} MiB under ${RUN_FILES.features}/)` : `in memory (${(cacheBytes / 2 ** 20).toFixed(1)} MiB)`;
    events.line(`feature cache: ${runner.imagesSeen} training images through the trunk once, features ${where}; later epochs run only the tail`);
  }
  const validation = withValidation && data.validation && data.validation.size > 0
    ? await featureSource(data.validation, runner, data.plan, stage, cached || split.trunk !== null, false, cacheFile('validation'))
    : null;
  return {
    split, train, validation, trunkDescription, runner, backend: switched?.backend ?? null,
    async dispose() {
      disposeFeatures(train);
      disposeFeatures(validation);
      await runner.dispose();
    },
  };
}

export async function trainStage(job: StageJob, events: StageEvents): Promise<StageOutcome> {
  const { index, stage, model, data, plan } = job;
  const prepared = await prepareStage(job, events);
  const { split, train, validation, runner } = prepared;
  const resume = job.resume;
  const resumeBest = resume?.best ? await resume.best() : null;
  const resumeOptimizer = resume && resume.state.completedEpochs > 0 ? optimizerStateFor(resume.optimizer, index, resume.state.completedEpochs) : null;
  if (resume && resume.state.completedEpochs > 0 && !resumeOptimizer) events.line(`warning: ${RUN_FILES.optimizer} does not match epoch ${resume.state.completedEpochs}: the optimizer's moments restart`);
  const result = await runStage({
    model, tail: split.tail, head: plan.head, stage, epochs: job.epochs, train, validation,
    classWeights: classWeights(stage.classWeights, data.classes, data.training.labels),
    ...multiLabelTargets(job),
    batchSize: resolvedBatch(stage.batchSize),
    dropoutSeed: deriveSeed(data.plan.seed, STREAMS.dropout, index),
    onBatch: (p) => events.batch(p),
    onEpoch: (record, best, state, optimizer) =>
      events.epoch({ record, best, state, optimizer: encodeOptimizerState({ stage: index, epoch: record.epoch, tensors: optimizer }) }),
    ...(resume ? { resume: { state: resume.state, best: resumeBest, optimizer: resumeOptimizer } } : {}),
  });
  await prepared.dispose();
  return { ...result, trunk: prepared.trunkDescription, trunkImages: runner.imagesSeen, backend: prepared.backend };
}

/** The optimizer state saved after `epoch` of stage `stage`, or null when `saved` is another one's (or none). */
function optimizerStateFor(saved: Uint8Array | null, stage: number, epoch: number): NamedTensor[] | null {
  if (!saved) return null;
  const state = decodeOptimizerState(saved);
  if (state && state.stage === stage && state.epoch === epoch) return state.tensors;
  state?.tensors.forEach((t) => t.tensor.dispose());
  return null;
}
