// `evaluate`: the trained model on held-out images (the validation split or a directory) —
// accuracy, per-class report, macro F1, top-3/top-5 accuracy (more than 5 classes), ROC AUC (two
// classes), confusion matrix and the misclassified files. With `tta flips`
// each image's class probabilities are the mean of its own and its horizontal mirror image's,
// and the accuracy without them is kept beside, so the gain shows.
import * as tf from '@tensorflow/tfjs';
import type { EvaluatePlan, HeadPlan } from '@tlc/plan';
import type { FeatureBatch } from '../features/source';
import { probabilities } from '../train/loss';
import type { TargetLookup } from '../train/stage';
import { argMax, classificationMetrics, multiLabelMetrics, rankingMetrics, type Metrics, type MultiLabelMetrics, type RankingMetrics } from './metrics';

export interface Misclassified {
  file: string;
  label: string;
  predicted: string;
  confidence: number;
  /** Multi-label only: the most probable class and its probability (what the model leaned to, even when no class reaches the threshold). */
  highest?: { class: string; probability: number };
  /** Multi-label only: the decision furthest on the wrong side (the one `confidence` measures): its class, probability, and whether the class was predicted though not a label or missed. */
  worst?: { class: string; probability: number; error: 'predicted' | 'missed' };
}

export interface Evaluation extends Metrics, RankingMetrics {
  on: string;
  images: number;
  /** Test-time augmentation the metrics were computed with. */
  tta: EvaluatePlan['tta'];
  /** With `tta flips`: the accuracy of the plain predictions (no mirror images); otherwise null. */
  accuracyWithoutTta: number | null;
  /**
   * A multi-label head (a sigmoid over several classes): exact match, accuracy_multi (also
   * `accuracy`), samples and micro F1 at the threshold; per-class metrics are at that threshold
   * and `confusion` is empty. null for a single-label head.
   */
  multiLabel: MultiLabelMetrics | null;
  /** Images whose prediction is wrong (multi-label: whose predicted set is not their true set; labels joined by spaces). */
  misclassified: Misclassified[];
}

/** How a multi-label head is evaluated: each image's multi-hot truth and the decision threshold. */
export interface MultiLabelEvaluation {
  targets: TargetLookup;
  threshold: number;
}

/**
 * A batch to evaluate: the tail's inputs, and with `tta flips` those of the mirror images when
 * they are not simply `x` reversed (features of a trunk that ran on the mirrored pixels).
 */
export interface EvaluationBatch extends FeatureBatch {
  /** Disposed by the consumer, like x. */
  mirrored?: tf.Tensor;
}

export interface EvaluationSource {
  batches(epoch: number): AsyncIterable<EvaluationBatch>;
}

/** A batch of NHWC images (or feature maps) mirrored left to right: what `tta flips` adds. */
export function mirrorImages(x: tf.Tensor): tf.Tensor {
  return tf.reverse(x, 2);
}

/**
 * Class probabilities of a batch of NHWC tail inputs: the model's own, and with `flips` their
 * mean with those of the batch mirrored left to right (`mirrored`: the mirror images' tail
 * inputs, when the tail does not take pixels). Returns both (the same tensor without TTA).
 */
export function ttaProbabilities(
  tail: tf.LayersModel, head: HeadPlan, x: tf.Tensor, tta: EvaluatePlan['tta'], mirroredInput?: tf.Tensor,
): { plain: tf.Tensor2D; averaged: tf.Tensor2D } {
  const plain = tf.tidy(() => probabilities(tail.predict(x) as tf.Tensor, head));
  if (tta === 'none') return { plain, averaged: plain };
  const averaged = tf.tidy(() => {
    const mirrored = probabilities(tail.predict(mirroredInput ?? mirrorImages(x)) as tf.Tensor, head);
    return tf.div(tf.add(plain, mirrored), 2) as tf.Tensor2D;
  });
  return { plain, averaged };
}

/**
 * One evaluation batch's probabilities as rows: with TTA (`rows`) and without (`plainRows`, the
 * same rows when there is none). Disposes the batch.
 */
async function batchProbabilities(
  tail: tf.LayersModel, head: HeadPlan, batch: EvaluationBatch, tta: EvaluatePlan['tta'],
): Promise<{ rows: number[][]; plainRows: number[][] }> {
  const { plain, averaged } = ttaProbabilities(tail, head, batch.x, tta, batch.mirrored);
  const rows = (await averaged.array()) as number[][];
  const plainRows = tta === 'none' ? rows : ((await plain.array()) as number[][]);
  tf.dispose([plain, averaged]);
  batch.x.dispose();
  batch.mirrored?.dispose();
  return { rows, plainRows };
}

export async function evaluateModel(
  tail: tf.LayersModel,
  head: HeadPlan,
  source: EvaluationSource,
  files: string[],
  classNames: string[],
  on: string,
  tta: EvaluatePlan['tta'] = 'none',
  multiLabel: MultiLabelEvaluation | null = null,
): Promise<Evaluation> {
  if (multiLabel) return evaluateMultiLabel(tail, head, source, files, classNames, on, tta, multiLabel);
  const truth: number[] = [];
  const predicted: number[] = [];
  const scores: number[][] = [];
  let plainHits = 0;
  const misclassified: Misclassified[] = [];
  for await (const batch of source.batches(0)) {
    const { rows, plainRows } = await batchProbabilities(tail, head, batch, tta);
    plainRows.forEach((row, i) => {
      if (argMax(row) === batch.labels[i]) plainHits++;
    });
    rows.forEach((row, i) => {
      const best = argMax(row);
      const label = batch.labels[i];
      truth.push(label);
      predicted.push(best);
      scores.push(row);
      if (best !== label) {
        misclassified.push({ file: files[batch.indices[i]], label: classNames[label], predicted: classNames[best], confidence: row[best] });
      }
    });
  }
  const accuracyWithoutTta = tta === 'none' ? null : plainHits / Math.max(truth.length, 1);
  return {
    on, images: truth.length, tta, accuracyWithoutTta,
    ...classificationMetrics(truth, predicted, classNames),
    ...rankingMetrics(truth, scores, classNames.length),
    multiLabel: null,
    misclassified,
  };
}

/** The labels of a 0/1 row (or of the probabilities at `threshold`), joined by spaces. */
function labelSet(row: ArrayLike<number>, classNames: string[], threshold: number): string {
  return classNames.filter((_, c) => row[c] >= threshold).join(' ');
}

async function evaluateMultiLabel(
  tail: tf.LayersModel,
  head: HeadPlan,
  source: EvaluationSource,
  files: string[],
  classNames: string[],
  on: string,
  tta: EvaluatePlan['tta'],
  { targets, threshold }: MultiLabelEvaluation,
): Promise<Evaluation> {
  const truth: Float32Array[] = [];
  const scores: number[][] = [];
  const plainScores: number[][] = [];
  const misclassified: Misclassified[] = [];
  const n = classNames.length;
  for await (const batch of source.batches(0)) {
    const { rows, plainRows } = await batchProbabilities(tail, head, batch, tta);
    const truthRows = targets(batch.indices);
    rows.forEach((row, i) => {
      const t = truthRows.subarray(i * n, (i + 1) * n);
      truth.push(t);
      scores.push(row);
      plainScores.push(plainRows[i]!);
      // The decision furthest on the wrong side of the threshold: how sure the model was of its mistake.
      let confidence = -1;
      let worst = -1;
      row.forEach((p, c) => {
        const sure = p >= threshold ? p : 1 - p;
        if ((p >= threshold) !== (t[c] === 1) && sure > confidence) [confidence, worst] = [sure, c];
      });
      if (confidence >= 0) {
        const best = argMax(row);
        misclassified.push({
          file: files[batch.indices[i]!]!, label: labelSet(t, classNames, 0.5), predicted: labelSet(row, classNames, threshold), confidence,
          highest: { class: classNames[best]!, probability: row[best]! },
          worst: { class: classNames[worst]!, probability: row[worst]!, error: row[worst]! >= threshold ? 'predicted' : 'missed' },
        });
      }
    });
  }
  const metrics = multiLabelMetrics(truth, scores, classNames, threshold);
  return {
    on, images: truth.length, tta,
    accuracyWithoutTta: tta === 'none' ? null : multiLabelMetrics(truth, plainScores, classNames, threshold).accuracy,
    ...metrics,
    top3Accuracy: null, top5Accuracy: null, rocAuc: null,
    misclassified,
  };
}
