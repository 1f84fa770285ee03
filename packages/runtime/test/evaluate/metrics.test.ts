// evaluation.json's metrics beyond accuracy, against values computed by hand: macro F1 (a class
// never predicted, a class absent altogether), top-k accuracy (ties at the k-th place), ROC AUC
// (tied scores, one class only), and an evaluation that reports each only where it applies.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadPlan } from '@tlc/plan';
import { evaluateModel } from '../../src/evaluate/evaluate';
import { classificationMetrics, extraMetricsText, multiLabelMetrics, multiLabelText, rankingMetrics, rocAuc, topKAccuracy } from '../../src/evaluate/metrics';
import type { FeatureSource } from '../../src/features/source';
import { reportHtml } from '../../src/run/report-html';

describe('macro F1', () => {
  it('averages the per-class F1, a class never predicted counting 0', () => {
    // a: P 2/3, R 1, F1 0.8; b: P 1/3, R 1/2, F1 0.4; c: never predicted, F1 0 → (0.8 + 0.4 + 0) / 3.
    const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 1, 1], ['a', 'b', 'c']);
    expect(m.perClass.map((c) => c.f1)).toEqual([expect.closeTo(0.8, 12), expect.closeTo(0.4, 12), 0]);
    expect(m.macroF1).toBeCloseTo(0.4, 12);
  });

  it('leaves out a class that is neither in the truth nor predicted (scikit-learn)', () => {
    const m = classificationMetrics([0, 0, 1, 1, 2, 2], [0, 0, 1, 0, 1, 1], ['a', 'b', 'c', 'd']);
    expect(m.macroF1).toBeCloseTo(0.4, 12);
    // A class predicted but never true counts (F1 0): a: 1, b: 0 → 0.5.
    expect(classificationMetrics([0, 0], [0, 1], ['a', 'b']).macroF1).toBeCloseTo((2 / 3 + 0) / 2, 12);
  });
});

describe('top-k accuracy', () => {
  const rows = [
    [0.3, 0.2, 0.2, 0.1, 0.1, 0.1], // true 4: three classes above it → out of the top 3, in the top 5
    [0.3, 0.2, 0.2, 0.1, 0.1, 0.1], // true 2: one above (the tie with class 1 is no obstacle) → in both
    [0.5, 0.1, 0.1, 0.1, 0.1, 0.1], // true 5: tied with classes 1–4 at the boundary → in (tf.math.in_top_k)
    [0.04, 0.3, 0.25, 0.2, 0.15, 0.06], // true 0: five above it → in neither
    [NaN, 0.2, 0.2, 0.2, 0.2, 0.2], // true 0, NaN → a miss
  ];
  const truth = [4, 2, 5, 0, 0];
  it('counts an image when fewer than k classes are strictly more probable than its own', () => {
    expect(topKAccuracy(truth, rows, 3)).toBeCloseTo(2 / 5, 12);
    expect(topKAccuracy(truth, rows, 5)).toBeCloseTo(3 / 5, 12);
    expect(topKAccuracy(truth, rows, 1)).toBe(0); // no row has its true class alone on top
  });

  it('is reported for more than 5 classes only', () => {
    expect(rankingMetrics(truth, rows, 6)).toEqual({ top3Accuracy: expect.closeTo(0.4, 12), top5Accuracy: expect.closeTo(0.6, 12), rocAuc: null });
    const five = [[0.1, 0.2, 0.3, 0.2, 0.2]];
    expect(rankingMetrics([0], five, 5)).toEqual({ top3Accuracy: null, top5Accuracy: null, rocAuc: null });
  });
});

describe('ROC AUC', () => {
  it('is the trapezoid area under the exact ROC curve, tied scores a diagonal step', () => {
    // Positives 0.9, 0.5, 0.5; negatives 0.5, 0.2. Curve: (0,0) → (0,1/3) → (1/2,1) [the tie at
    // 0.5: two positives and a negative at once] → (1,1). Area: 1/2·(1/3 + 1)/2 + 1/2·1 = 5/6
    // (the Mann–Whitney count: 5 of the 6 pairs ordered, the tied pairs counting half).
    expect(rocAuc([true, true, true, false, false], [0.9, 0.5, 0.5, 0.5, 0.2])).toBeCloseTo(5 / 6, 12);
    expect(rocAuc([true, false, true, false], [0.8, 0.1, 0.7, 0.3])).toBe(1);
    expect(rocAuc([true, false, true, false], [0.1, 0.8, 0.3, 0.7])).toBe(0);
    expect(rocAuc([true, false, true, false], [0.5, 0.5, 0.5, 0.5])).toBeCloseTo(0.5, 12);
    // Order-independent: the same data shuffled.
    expect(rocAuc([false, true, false, true, true], [0.2, 0.5, 0.5, 0.9, 0.5])).toBeCloseTo(5 / 6, 12);
  });

  it('is null when the images are all of one class, and only reported for two classes', () => {
    expect(rocAuc([true, true], [0.2, 0.9])).toBeNull();
    expect(rankingMetrics([1, 1, 0, 0, 0], [[0.1, 0.9], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.8, 0.2]], 2))
      .toEqual({ top3Accuracy: null, top5Accuracy: null, rocAuc: expect.closeTo(5 / 6, 12) });
    expect(rankingMetrics([0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 3).rocAuc).toBeNull();
  });
});

describe('an evaluation', () => {
  const HEAD: HeadPlan = { layers: [{ type: 'dense', units: 2, activation: 'softmax', name: 'head_dense_1' }], outputUnits: 2, outputActivation: 'softmax' };
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('writes macro F1 and ROC AUC from the model’s probabilities, and the report shows them', async () => {
    // A model that outputs its two inputs as probabilities: the scores are chosen exactly.
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [1, 1, 2] })] });
    const p1 = [0.9, 0.5, 0.5, 0.5, 0.2];
    const labels = [1, 1, 1, 0, 0];
    const source: FeatureSource = {
      size: 5,
      async *batches() {
        yield { x: tf.tensor4d(p1.map((p) => [[[1 - p, p]]])), labels: Int32Array.from(labels), indices: [0, 1, 2, 3, 4] };
      },
    };
    const e = await evaluateModel(model, HEAD, source, ['a', 'b', 'c', 'd', 'e'], ['no', 'yes'], 'validation');
    expect(e.rocAuc).toBeCloseTo(5 / 6, 6);
    // argMax of [0.5, 0.5] is class 0: predicted yes, no, no, no, no → yes: P 1, R 1/3, F1 0.5;
    // no: P 2/4, R 1, F1 2/3.
    expect(e.macroF1).toBeCloseTo((0.5 + 2 / 3) / 2, 6);
    expect(e.top3Accuracy).toBeNull();
    expect(extraMetricsText(e)).toBe('macro F1 0.583, ROC AUC 0.833');
    const html = reportHtml({ pipeline: 'p', backend: 'cpu', trunk: 'none', seconds: 1, epochs: [], evaluation: e });
    expect(html).toContain('macro F1 0.583, ROC AUC 0.833');
  });
});

describe('multi-label metrics at a threshold', () => {
  // Classes a, b, c; threshold 0.5 (a probability equal to it counts as predicted).
  const truth = [[1, 0, 1], [0, 1, 0], [0, 0, 0], [1, 1, 0]];
  const probabilities = [[0.9, 0.2, 0.4], [0.6, 0.7, 0.1], [0.1, 0.2, 0.3], [0.5, 0.8, 0]];
  // Predicted sets: {a}, {a, b}, {}, {a, b}.

  it('per class: precision, recall, F1 and support (images with the label); macro F1 over them', () => {
    const m = multiLabelMetrics(truth, probabilities, ['a', 'b', 'c'], 0.5);
    // a: TP 2, FP 1, FN 0; b: TP 2; c: TP 0, FN 1 (never predicted: F1 0).
    expect(m.perClass).toEqual([
      { class: 'a', precision: expect.closeTo(2 / 3, 12), recall: 1, f1: expect.closeTo(0.8, 12), support: 2 },
      { class: 'b', precision: 1, recall: 1, f1: 1, support: 2 },
      { class: 'c', precision: 0, recall: 0, f1: 0, support: 1 },
    ]);
    expect(m.macroF1).toBeCloseTo(0.6, 12);
    expect(m.confusion).toEqual([]);
  });

  it('exact match, accuracy_multi, samples F1 (an image with no label and none predicted counts 1) and micro F1', () => {
    const m = multiLabelMetrics(truth, probabilities, ['a', 'b', 'c'], 0.5);
    expect(m.multiLabel.exactMatch).toBeCloseTo(2 / 4, 12); // images 3 and 4
    expect(m.multiLabel.accuracyMulti).toBeCloseTo(10 / 12, 12); // 2 of 12 decisions wrong
    expect(m.accuracy).toBe(m.multiLabel.accuracyMulti);
    expect(m.multiLabel.samplesF1).toBeCloseTo((2 / 3 + 2 / 3 + 1 + 1) / 4, 12);
    expect(m.multiLabel.microF1).toBeCloseTo((2 * 4) / (2 * 4 + 1 + 1), 12);
    expect(m.multiLabel.threshold).toBe(0.5);
  });

  it('moves with the threshold', () => {
    const m = multiLabelMetrics(truth, probabilities, ['a', 'b', 'c'], 0.55);
    // Image 4's a (0.5) is no longer predicted: a has TP 1, FP 1, FN 1.
    expect(m.perClass[0]).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m.multiLabel.exactMatch).toBeCloseTo(1 / 4, 12);
    expect(multiLabelText(m.multiLabel)).toBe('exact match 25.0%, samples F1 0.750, micro F1 0.667 at threshold 0.55');
  });
});
