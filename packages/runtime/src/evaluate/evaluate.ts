// `evaluate`: the trained model on held-out images (the validation split or a directory) —
// accuracy, per-class report, confusion matrix and the misclassified files.
import * as tf from '@tensorflow/tfjs';
import type { HeadPlan } from '@tlc/plan';
import type { FeatureSource } from '../features/source';
import { probabilities } from '../train/loss';
import { argMax, classificationMetrics, type Metrics } from './metrics';

export interface Misclassified {
  file: string;
  label: string;
  predicted: string;
  confidence: number;
}

export interface Evaluation extends Metrics {
  on: string;
  images: number;
  misclassified: Misclassified[];
}

export async function evaluateModel(
  tail: tf.LayersModel,
  head: HeadPlan,
  source: FeatureSource,
  files: string[],
  classNames: string[],
  on: string,
): Promise<Evaluation> {
  const truth: number[] = [];
  const predicted: number[] = [];
  const misclassified: Misclassified[] = [];
  for await (const batch of source.batches(0)) {
    const p = tf.tidy(() => probabilities(tail.predict(batch.x) as tf.Tensor, head));
    const rows = (await p.array()) as number[][];
    p.dispose();
    batch.x.dispose();
    rows.forEach((row, i) => {
      const best = argMax(row);
      const label = batch.labels[i];
      truth.push(label);
      predicted.push(best);
      if (best !== label) {
        misclassified.push({ file: files[batch.indices[i]], label: classNames[label], predicted: classNames[best], confidence: row[best] });
      }
    });
  }
  return { on, images: truth.length, ...classificationMetrics(truth, predicted, classNames), misclassified };
}
