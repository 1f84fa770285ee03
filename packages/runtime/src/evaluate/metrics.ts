// Classification metrics from true and predicted class indices: accuracy, per-class precision,
// recall, F1 and support, and the confusion matrix (rows: true class, columns: predicted).
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
  return { accuracy: truth.length === 0 ? 0 : correct / truth.length, perClass, confusion };
}

/** The index of the largest value; non-numbers (NaN) never win, and an all-NaN row gives 0. */
export function argMax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best] || Number.isNaN(row[best])) best = i;
  return best;
}
