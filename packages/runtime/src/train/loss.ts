// The stage's loss on a batch of predictions, with per-class weights (Keras's class_weight:
// each sample's loss is multiplied by its class's weight, then averaged over the batch) and
// label smoothing (Keras's `label_smoothing`: the one-hot targets become y·(1 − s) + s/classes for
// the categorical losses, y·(1 − s) + s/2 per unit for binary cross-entropy; one sigmoid unit is
// read as two columns, where both formulas agree).
import * as tf from '@tensorflow/tfjs';
import type { HeadPlan, StagePlan } from '@tlc/plan';

const EPSILON = 1e-7;

/** Class probabilities from the head's raw output (a linear head's outputs are logits). */
export function probabilities(output: tf.Tensor, head: HeadPlan): tf.Tensor2D {
  return tf.tidy(() => {
    let p = output as tf.Tensor2D;
    if (head.outputActivation === 'linear') p = head.outputUnits === 1 ? tf.sigmoid(p) : tf.softmax(p);
    // One sigmoid unit: probabilities of class 0 and class 1.
    if (head.outputUnits === 1) p = tf.concat([tf.sub(1, p), p], 1) as tf.Tensor2D;
    return p;
  });
}

/** A sigmoid over several classes: each class its own yes/no question (multi-label). */
export function isMultiLabel(head: HeadPlan): boolean {
  return head.outputActivation === 'sigmoid' && head.outputUnits > 1;
}

/** mixup / cutmix: the targets are λ·onehot(labels) + (1 − λ)·onehot(mix.labels). */
export interface TargetMix {
  lambda: number;
  labels: tf.Tensor1D;
}

/**
 * Mean weighted cross-entropy of `output` against integer `labels`, with smoothed targets; with
 * `mix`, against the mixed targets, each sample weighted λ·w(label) + (1 − λ)·w(partner's label);
 * given multi-hot `targets` (a multi-label head), binary cross-entropy against them, unweighted.
 */
export function stageLoss(
  output: tf.Tensor,
  labels: tf.Tensor1D,
  head: HeadPlan,
  loss: StagePlan['loss'],
  classWeights: tf.Tensor1D | null,
  labelSmoothing = 0,
  mix?: TargetMix,
  targets: tf.Tensor2D | null = null,
): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities(output, head), EPSILON, 1 - EPSILON);
    const classes = p.shape[1];
    const perUnit = loss === 'binary_crossentropy' && head.outputUnits !== 1;
    let onehot: tf.Tensor = targets ?? tf.oneHot(tf.cast(labels, 'int32'), classes);
    if (mix && !targets) onehot = tf.add(tf.mul(onehot, mix.lambda), tf.mul(tf.oneHot(tf.cast(mix.labels, 'int32'), classes), 1 - mix.lambda));
    if (labelSmoothing > 0) onehot = tf.add(tf.mul(onehot, 1 - labelSmoothing), labelSmoothing / (perUnit ? 2 : classes));
    let perSample: tf.Tensor;
    if (perUnit) {
      // Independent sigmoid per class against one-hot targets, averaged over classes (Keras).
      const terms = tf.add(tf.mul(onehot, tf.log(p)), tf.mul(tf.sub(1, onehot), tf.log(tf.sub(1, p))));
      perSample = tf.neg(tf.mean(terms, 1));
    } else {
      perSample = tf.neg(tf.sum(tf.mul(onehot, tf.log(p)), 1));
    }
    if (classWeights && !targets) {
      let weight: tf.Tensor = tf.gather(classWeights, tf.cast(labels, 'int32'));
      if (mix) weight = tf.add(tf.mul(weight, mix.lambda), tf.mul(tf.gather(classWeights, tf.cast(mix.labels, 'int32')), 1 - mix.lambda));
      perSample = tf.mul(perSample, weight);
    }
    return tf.mean(perSample) as tf.Scalar;
  });
}

/**
 * Per image, the share of classes a multi-label head gets right at `threshold` (Keras's
 * binary_accuracy, fastai's accuracy_multi), summed over the batch: the training loop's hits.
 */
export function multiLabelHits(p: tf.Tensor2D, targets: tf.Tensor2D, threshold = 0.5): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mean(tf.cast(tf.equal(tf.cast(tf.greaterEqual(p, threshold), 'float32'), targets), 'float32'), 1)) as tf.Scalar);
}
