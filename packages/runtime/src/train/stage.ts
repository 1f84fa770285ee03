// The tfjs engine's training loop for one stage (train or fine tune), over the trainable tail
// (engines/tfjs/train-stage.ts prepares it): per batch, the optimizer minimises the weighted loss
// over the tail's trainable variables (dropout masks seeded by stage, epoch and batch when the run
// gives a dropout seed); per epoch, validation, the best checkpoint (kept in memory and handed to
// onEpoch for disk), early stopping, and the NaN guard. The best weights are restored at the end
// of the stage. The learning rate follows the stage's schedule (train/schedule.ts): set before
// every step, recorded per epoch. A tail of dense layers only takes the fused step of
// train/dense-tail.ts instead of tfjs's per-kernel path when it covers the stage (stagePath says
// which ran); snapshots and the best weights are the tail's, the only weights a stage changes.
import * as tf from '@tensorflow/tfjs';
import type { HeadPlan, StagePlan } from '@tlc/plan';
import { seedDropoutMasks } from '@tlc/zoo';
import type { BatchProgress, EpochRecord, StageResult, StageState } from '../engine/engine';
import type { FeatureBatch, FeatureSource } from '../features/source';
import { deriveSeed } from '../random';
import { TrainingDiverged } from './diverged';
import { MetricTracker, modeOf } from './early-stopping';
import { multiLabelHits, probabilities, stageLoss } from './loss';
import { makeOptimizer, type NamedTensor, type RateGroup } from './optimizer';
import { isOutOfMemory, outOfMemory } from './out-of-memory';
import { recalibrateBatchNorm } from './precise-bn';
import { Plateau, scheduledRate } from './schedule';
import { prefetchForSyncReads } from '../backend/sync-reads';
import { DenseTailTrainer, denseTail } from './dense-tail';

/** The multi-hot targets (rows x classes, flat) of a source's samples, by their dataset indices. */
export type TargetLookup = (indices: ArrayLike<number>) => Float32Array;

export interface StageRun {
  /** The full model (weights shared with tail): what checkpoints save. */
  model: tf.LayersModel;
  tail: tf.LayersModel;
  head: HeadPlan;
  stage: StagePlan;
  /** Epoch count override (`--epochs`). */
  epochs?: number;
  train: FeatureSource;
  validation: FeatureSource | null;
  classWeights: number[] | null;
  /**
   * A multi-label head (a sigmoid over several classes): each sample's multi-hot targets, for the
   * training and validation sources. Accuracy is then the share of classes right at 0.5.
   */
  targets?: { train: TargetLookup; validation: TargetLookup | null };
  batchSize: number;
  /**
   * The seed the stage's dropout masks derive from, with the epoch and batch (so a resumed stage
   * draws the masks the uninterrupted one would); absent: tfjs's unseeded masks.
   */
  dropoutSeed?: number;
  onBatch?(progress: BatchProgress): void;
  /**
   * After each epoch, with whether it is the best so far and the state a resume needs: the
   * stage's progress and the optimizer's state (copies, disposed after the call).
   */
  onEpoch?(record: EpochRecord, best: boolean, state: StageState, optimizer: NamedTensor[]): Promise<void> | void;
  /** Continue a stage a previous run left after `state.completedEpochs` epochs, with its optimizer state when kept. */
  resume?: { state: StageState; best: tf.Tensor[] | null; optimizer: NamedTensor[] | null };
  /**
   * 'auto' (default): a tail of dense layers only trains with the fused step (train/dense-tail.ts)
   * when it covers the stage; 'tfjs': always the tfjs path.
   */
  steps?: 'auto' | 'tfjs';
}

/** The weights of the tail (every weight a stage can change; the trunk's stay as they are). */
type Snapshot = tf.Tensor[];

/** The stage's discriminative learning rates as groups of the tail's variables, each with its rate's ratio to the stage's (also what `tlc lr-find` sweeps). */
export function rateGroups(tail: tf.LayersModel, stage: StagePlan): RateGroup[] {
  const groups = stage.layerLearningRates ?? [];
  if (groups.length === 0) return [];
  const variablesOf = new Map(tail.layers.map((layer) => [layer.name, layer.trainableWeights.map((w) => (w.read() as tf.Variable).name)]));
  return groups.map((group) => ({
    ratio: group.learningRate / stage.optimizer.learningRate,
    variables: new Set(group.layers.flatMap((layer) => variablesOf.get(layer) ?? [])),
  }));
}

function snapshot(tail: tf.LayersModel): Snapshot {
  return tail.getWeights().map((w) => tf.keep(w.clone()));
}

/** A snapshot of the tail's weights from a list of the whole model's (a checkpoint read back); disposes the rest. */
function tailSnapshot(model: tf.LayersModel, tail: tf.LayersModel, weights: tf.Tensor[]): Snapshot {
  const index = new Map(model.weights.map((w, i) => [w, i]));
  const kept = tail.weights.map((w) => weights[index.get(w) ?? -1]);
  if (kept.some((t) => t === undefined)) throw new Error('the checkpoint does not hold every weight of the tail');
  const keep = new Set(kept);
  weights.filter((t) => !keep.has(t)).forEach((t) => t.dispose());
  return kept as tf.Tensor[];
}

/** The tail's path for the stage: the fused dense step, or tfjs and why. */
export function stagePath(run: Pick<StageRun, 'tail' | 'head' | 'stage' | 'steps' | 'targets'>): { fused: boolean; description: string } {
  if (run.steps === 'tfjs') return { fused: false, description: 'tfjs' };
  if (run.targets) return { fused: false, description: 'tfjs (multi-label targets)' };
  const layers = denseTail(run.tail, run.head, run.stage);
  if (typeof layers === 'string') return { fused: false, description: `tfjs (${layers})` };
  return { fused: true, description: `fused dense step in TypeScript (${layers.map((l) => `${l.inputs}x${l.units}`).join(', ')})` };
}

/** The rows of a batch as one flat array: the source's own when it has them, else read from x. */
async function rowsOf(batch: FeatureBatch): Promise<Float32Array> {
  if (batch.values) return batch.values;
  const data = await batch.x.data();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

function monitoredValue(record: EpochRecord, monitor: string): number {
  const value = (record as unknown as Record<string, number | null>)[monitor];
  // Without validation data, val_* falls back to the training metric (as Keras warns and does).
  if (value === null || value === undefined) return (record as unknown as Record<string, number>)[monitor.replace(/^val_/, '')];
  return value;
}

/** Mean loss and accuracy of the tail on a source, in inference mode. */
export async function evaluateSource(
  tail: tf.LayersModel,
  head: HeadPlan,
  source: FeatureSource,
  loss: StagePlan['loss'],
  labelSmoothing = 0,
  targetsOf: TargetLookup | null = null,
): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for await (const batch of source.batches(0)) {
    const [lossTensor, hitsTensor] = tf.tidy(() => {
      const out = tail.predict(batch.x) as tf.Tensor;
      const labels = tf.tensor1d(batch.labels, 'int32');
      const targets = targetsOf ? targetTensor(targetsOf, batch.indices, head) : null;
      const batchLoss = tf.mul(stageLoss(out, labels, head, loss, null, labelSmoothing, undefined, targets), batch.labels.length);
      const hits = targets
        ? multiLabelHits(probabilities(out, head), targets)
        : tf.sum(tf.cast(tf.equal(tf.argMax(probabilities(out, head), 1), labels), 'float32'));
      return [batchLoss, hits];
    });
    batch.x.dispose();
    // Read asynchronously: WebGPU in Node has no synchronous reads.
    const [l, c] = (await Promise.all([lossTensor.data(), hitsTensor.data()])).map((values) => values[0]!);
    tf.dispose([lossTensor, hitsTensor]);
    lossSum += l;
    correct += c;
    count += batch.labels.length;
  }
  return { loss: lossSum / Math.max(count, 1), accuracy: correct / Math.max(count, 1) };
}

function targetTensor(lookup: TargetLookup, indices: ArrayLike<number>, head: HeadPlan): tf.Tensor2D {
  return tf.tensor2d(lookup(indices), [indices.length, head.outputUnits]);
}

async function evaluateFused(trainer: DenseTailTrainer, source: FeatureSource): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for await (const batch of source.batches(0)) {
    const values = await rowsOf(batch);
    batch.x.dispose();
    const result = trainer.evaluate(values, batch.labels);
    lossSum += result.lossSum;
    correct += result.hits;
    count += batch.labels.length;
  }
  return { loss: lossSum / Math.max(count, 1), accuracy: correct / Math.max(count, 1) };
}

export async function runStage(run: StageRun): Promise<StageResult> {
  const { tail, head, stage } = run;
  const epochs = run.epochs ?? stage.epochs;
  const dense = run.steps === 'tfjs' || run.targets ? null : denseTail(tail, head, stage);
  const fused = dense && typeof dense !== 'string' ? new DenseTailTrainer(dense, head, stage, run.classWeights) : null;
  const optimizer = makeOptimizer(stage.optimizer, rateGroups(tail, stage));
  const variables = tail.trainableWeights.map((w) => w.read() as tf.Variable);
  const weights = run.classWeights ? tf.keep(tf.tensor1d(run.classWeights)) : null;
  const checkpoint = new MetricTracker(stage.checkpoint.monitor, stage.checkpoint.mode);
  const early = stage.earlyStopping
    ? new MetricTracker(stage.earlyStopping.monitor, modeOf(stage.earlyStopping.monitor), stage.earlyStopping.minDelta)
    : null;
  const batches = Math.ceil(run.train.size / run.batchSize);
  const clock = { epochs, stepsPerEpoch: batches };
  const plateau = stage.schedule.kind === 'plateau' ? new Plateau(stage.schedule, stage.optimizer.learningRate, run.resume?.state.plateau) : null;
  let best: Snapshot | null = run.resume?.best ? tailSnapshot(run.model, tail, run.resume.best) : null;
  const records: EpochRecord[] = [];
  let stoppedEarly = false;
  if (run.resume) {
    checkpoint.restore(run.resume.state.checkpoint);
    if (early && run.resume.state.early) early.restore(run.resume.state.early);
    if (run.resume.optimizer) {
      if (fused) fused.restore(run.resume.optimizer);
      else await optimizer.restore(run.resume.optimizer);
    }
  }
  try {
    for (let epoch = (run.resume?.state.completedEpochs ?? 0) + 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let batch = 0;
      for await (const data of run.train.batches(epoch)) {
        batch++;
        const rate = scheduledRate(stage.schedule, plateau?.lr ?? stage.optimizer.learningRate, clock, epoch, batch);
        let lossValue: number;
        let hitCount: number;
        let outputValue: number;
        if (fused) {
          fused.setLearningRate(rate);
          const values = await rowsOf(data);
          data.x.dispose();
          ({ loss: lossValue, hits: hitCount, outputSum: outputValue } = fused.step(values, data.labels, data.mix));
        } else {
          let hits: tf.Tensor | null = null;
          let outputSum: tf.Tensor | null = null;
          const labels = tf.tensor1d(data.labels, 'int32');
          const mix = data.mix ? { lambda: data.mix.lambda, labels: tf.tensor1d(data.mix.labels, 'int32') } : undefined;
          // A mixed sample counts as right when the prediction is its larger share's label.
          const truth = mix && mix.lambda < 0.5 ? mix.labels : labels;
          const targets = run.targets ? targetTensor(run.targets.train, data.indices, head) : null;
          if (run.dropoutSeed !== undefined) seedDropoutMasks(deriveSeed(run.dropoutSeed, epoch, batch));
          optimizer.setLearningRate(rate);
          const cost = optimizer.step(() => {
            const out = tail.apply(data.x, { training: true }) as tf.Tensor;
            hits = tf.keep(targets
              ? multiLabelHits(probabilities(out, head), targets)
              : tf.sum(tf.cast(tf.equal(tf.argMax(probabilities(out, head), 1), truth), 'float32')));
            // NaN in the outputs can hide behind the loss's clipping: the guard checks both.
            outputSum = tf.keep(tf.sum(out));
            return stageLoss(out, labels, head, stage.loss, weights, stage.labelSmoothing, mix, targets);
          }, variables);
          lossValue = (await cost.data())[0];
          hitCount = hits ? (await (hits as tf.Tensor).data())[0] : 0;
          outputValue = outputSum ? (await (outputSum as tf.Tensor).data())[0] : 0;
          cost.dispose();
          (hits as tf.Tensor | null)?.dispose();
          (outputSum as tf.Tensor | null)?.dispose();
          labels.dispose();
          mix?.labels.dispose();
          targets?.dispose();
          data.x.dispose();
        }
        if (!Number.isFinite(lossValue) || !Number.isFinite(outputValue)) {
          if (best) tail.setWeights(best);
          throw new TrainingDiverged(stage.name, epoch, batch, fused?.learningRate ?? optimizer.learningRate);
        }
        lossSum += lossValue * data.labels.length;
        correct += hitCount;
        seen += data.labels.length;
        run.onBatch?.({
          stage: stage.name, epoch, epochs, batch, batches,
          loss: lossSum / seen, accuracy: correct / seen, images: seen,
          seconds: (performance.now() - started) / 1000,
        });
      }
      // Recalibration runs in training mode too: its dropout masks come from the epoch's own seed.
      if (run.dropoutSeed !== undefined) seedDropoutMasks(deriveSeed(run.dropoutSeed, epoch, 0));
      if (fused) fused.writeWeights();
      else await recalibrateBatchNorm(tail, run.train);
      const val = !run.validation ? null
        : fused ? await evaluateFused(fused, run.validation)
        : await evaluateSource(tail, head, run.validation, stage.loss, stage.labelSmoothing, run.targets?.validation ?? null);
      const seconds = (performance.now() - started) / 1000;
      const record: EpochRecord = {
        stage: stage.name, epoch,
        loss: lossSum / Math.max(seen, 1), accuracy: correct / Math.max(seen, 1),
        val_loss: val?.loss ?? null, val_accuracy: val?.accuracy ?? null,
        lr: fused?.learningRate ?? optimizer.learningRate,
        seconds, imagesPerSecond: seen / seconds,
      };
      records.push(record);
      const isBest = checkpoint.update(epoch, monitoredValue(record, checkpoint.monitor));
      if (isBest) {
        best?.forEach((t) => t.dispose());
        best = snapshot(tail);
      }
      if (early && stage.earlyStopping) {
        early.update(epoch, monitoredValue(record, early.monitor));
        stoppedEarly = early.exhausted(stage.earlyStopping.patience) && epoch < epochs;
      }
      if (plateau && stage.schedule.kind === 'plateau') plateau.update(monitoredValue(record, stage.schedule.monitor));
      if (run.onEpoch) {
        const optimizerState = fused ? fused.state() : await optimizer.state();
        await prefetchForSyncReads(optimizerState.map((w) => w.tensor));
        try {
          await run.onEpoch(record, isBest, { completedEpochs: epoch, checkpoint: checkpoint.state(), early: early?.state() ?? null, plateau: plateau?.saved() ?? null, stopped: stoppedEarly }, optimizerState);
        } finally {
          optimizerState.forEach((w) => w.tensor.dispose());
        }
      }
      if (stoppedEarly) break;
    }
    if (best) tail.setWeights(best);
    return { epochs: records, stoppedEarly, bestEpoch: checkpoint.bestEpoch };
  } catch (error) {
    throw isOutOfMemory(error) ? outOfMemory(stage.name, run.batchSize, error) : error;
  } finally {
    seedDropoutMasks(null);
    best?.forEach((t) => t.dispose());
    weights?.dispose();
    optimizer.dispose();
  }
}
