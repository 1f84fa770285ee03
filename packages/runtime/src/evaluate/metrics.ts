// Classification metrics from true and predicted class indices: accuracy, per-class precision,
// recall, F1 and support, macro F1, and the confusion matrix (rows: true class, columns:
// predicted); and, from the class probabilities, the ranking metrics: top-k accuracy and, for two
// classes, ROC AUC.
export interface ClassReport {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  accuracy: number;
  perClass: ClassReport[];
  /**
   * The unweighted mean of the per-class F1 over the classes that occur (in the truth or the
   * predictions), as scikit-learn's f1_score(average='macro'): a class never predicted counts
   * with F1 0; a class absent from both is left out.
   */
  macroF1: number;
  confusion: number[][];
}

export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classNames: string[]): Metrics {
  const n = classNames.length;
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]][predicted[i]]++;
    if (truth[i] === predicted[i]) correct++;
  }
  const perClass = classNames.map((name, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + row[c], 0);
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { class: name, precision, recall, f1, support };
  });
  const occurring = perClass.filter((c, i) => c.support > 0 || confusion.some((row) => row[i] > 0));
  const macroF1 = occurring.length === 0 ? 0 : occurring.reduce((sum, c) => sum + c.f1, 0) / occurring.length;
  return { accuracy: truth.length === 0 ? 0 : correct / truth.length, perClass, macroF1, confusion };
}

/** The index of the largest value; non-numbers (NaN) never win, and an all-NaN row gives 0. */
export function argMax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best] || Number.isNaN(row[best])) best = i;
  return best;
}

export interface RankingMetrics {
  /** With more than 5 classes: the share of images whose true class is among the 3 most probable; else null. */
  top3Accuracy: number | null;
  /** With more than 5 classes: the same among the 5 most probable (Keras's top_k_categorical_accuracy); else null. */
  top5Accuracy: number | null;
  /**
   * With two classes: the area under the ROC curve of the second class's probability (the
   * positive class: the second in the class order), null when the images are all of one class.
   */
  rocAuc: number | null;
}

/** Top-k accuracy and ROC AUC from each image's class probabilities and its true class. */
export function rankingMetrics(truth: ArrayLike<number>, probabilities: ArrayLike<number>[], classCount: number): RankingMetrics {
  const many = classCount > 5;
  return {
    top3Accuracy: many ? topKAccuracy(truth, probabilities, 3) : null,
    top5Accuracy: many ? topKAccuracy(truth, probabilities, 5) : null,
    rocAuc: classCount === 2 ? rocAuc(Array.from(truth, (t) => t === 1), probabilities.map((row) => row[1])) : null,
  };
}

/**
 * The share of images whose true class is among the k most probable. Ties at the boundary count
 * as in the top k (as tf.math.in_top_k): the true class is in when fewer than k classes have a
 * strictly larger probability. A non-number (NaN) probability for the true class is a miss.
 */
export function topKAccuracy(truth: ArrayLike<number>, probabilities: ArrayLike<number>[], k: number): number {
  if (truth.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < truth.length; i++) {
    const row = probabilities[i];
    const own = row[truth[i]];
    if (Number.isNaN(own)) continue;
    let above = 0;
    for (let c = 0; c < row.length; c++) if (row[c] > own) above++;
    if (above < k) hits++;
  }
  return hits / truth.length;
}

/**
 * The area under the exact ROC curve, by the trapezoid rule: the scores sorted from the highest,
 * one point of the curve per distinct score (tied scores move both rates at once, a diagonal
 * step worth half), as scikit-learn's roc_auc_score. Null without both a positive and a
 * negative; a non-number score ranks lowest.
 */
export function rocAuc(positive: boolean[], scores: ArrayLike<number>): number | null {
  const order = positive.map((_, i) => i).map((i) => ({ p: positive[i], s: Number.isNaN(scores[i]) ? -Infinity : scores[i] }));
  const positives = order.filter((o) => o.p).length;
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  order.sort((a, b) => (a.s === b.s ? 0 : b.s > a.s ? 1 : -1));
  let area = 0, tp = 0, fp = 0;
  for (let i = 0; i < order.length;) {
    const prevTpr = tp / positives, prevFpr = fp / negatives;
    let j = i;
    while (j < order.length && order[j].s === order[i].s) {
      if (order[j].p) tp++; else fp++;
      j++;
    }
    area += ((fp / negatives - prevFpr) * (tp / positives + prevTpr)) / 2;
    i = j;
  }
  return area;
}

/** The extra metrics in words, for the log line and the report: `macro F1 0.912, top-3 97.5%, …`. */
export function extraMetricsText(m: Pick<Metrics, 'macroF1'> & Partial<RankingMetrics>): string {
  const parts = [`macro F1 ${m.macroF1.toFixed(3)}`];
  if (m.top3Accuracy != null) parts.push(`top-3 ${(m.top3Accuracy * 100).toFixed(1)}%`);
  if (m.top5Accuracy != null) parts.push(`top-5 ${(m.top5Accuracy * 100).toFixed(1)}%`);
  if (m.rocAuc != null) parts.push(`ROC AUC ${m.rocAuc.toFixed(3)}`);
  return parts.join(', ');
}

/**
 * A multi-label head's metrics at a threshold (a class is predicted when its probability is at
 * least the threshold), as fastai and scikit-learn report them.
 */
export interface MultiLabelMetrics {
  threshold: number;
  /** The share of images whose predicted label set is exactly their true set (scikit-learn's accuracy_score, "subset accuracy"). */
  exactMatch: number;
  /** The share of (image, class) decisions that are right (fastai's accuracy_multi, Keras's binary_accuracy); the evaluation's `accuracy`. */
  accuracyMulti: number;
  /** The mean over images of each image's F1 between its predicted and true sets (scikit-learn's average='samples'; an image with neither counts 1). */
  samplesF1: number;
  /** F1 over every (image, class) decision pooled (average='micro'). */
  microF1: number;
}

/**
 * Per-class precision, recall, F1 and support (images with the label), macro F1, and the
 * multi-label metrics, from each image's 0/1 truth row and probability row.
 */
export function multiLabelMetrics(truth: ArrayLike<number>[], probabilities: ArrayLike<number>[], classNames: string[], threshold: number): Metrics & { multiLabel: MultiLabelMetrics } {
  const n = classNames.length;
  const tp = new Array<number>(n).fill(0);
  const fp = new Array<number>(n).fill(0);
  const fn = new Array<number>(n).fill(0);
  let exact = 0;
  let right = 0;
  let samplesF1 = 0;
  for (let i = 0; i < truth.length; i++) {
    let hit = 0, predictedCount = 0, trueCount = 0, wrong = 0;
    for (let c = 0; c < n; c++) {
      const t = truth[i][c] === 1;
      const p = probabilities[i][c] >= threshold;
      if (t && p) tp[c]++, hit++;
      else if (p) fp[c]++;
      else if (t) fn[c]++;
      if (t !== p) wrong++;
      if (p) predictedCount++;
      if (t) trueCount++;
    }
    if (wrong === 0) exact++;
    right += n - wrong;
    samplesF1 += predictedCount + trueCount === 0 ? 1 : (2 * hit) / (predictedCount + trueCount);
  }
  const perClass = classNames.map((name, c) => {
    const precision = tp[c] + fp[c] === 0 ? 0 : tp[c] / (tp[c] + fp[c]);
    const recall = tp[c] + fn[c] === 0 ? 0 : tp[c] / (tp[c] + fn[c]);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { class: name, precision, recall, f1, support: tp[c] + fn[c] };
  });
  const occurring = perClass.filter((_, c) => tp[c] + fn[c] + fp[c] > 0);
  const macroF1 = occurring.length === 0 ? 0 : occurring.reduce((sum, c) => sum + c.f1, 0) / occurring.length;
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const pooled = 2 * sum(tp) + sum(fp) + sum(fn);
  const images = truth.length;
  const accuracyMulti = images === 0 ? 0 : right / (images * n);
  return {
    accuracy: accuracyMulti,
    perClass,
    macroF1,
    confusion: [],
    multiLabel: {
      threshold,
      exactMatch: images === 0 ? 0 : exact / images,
      accuracyMulti,
      samplesF1: images === 0 ? 0 : samplesF1 / images,
      microF1: pooled === 0 ? 0 : (2 * sum(tp)) / pooled,
    },
  };
}

/** The multi-label metrics in words, for the log line and the report. */
export function multiLabelText(m: MultiLabelMetrics): string {
  return `exact match ${(m.exactMatch * 100).toFixed(1)}%, samples F1 ${m.samplesF1.toFixed(3)}, micro F1 ${m.microF1.toFixed(3)} at threshold ${m.threshold}`;
}
