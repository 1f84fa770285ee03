// Per-class loss weights from the stage's plan: none, balanced (Keras / scikit-learn:
// total / (classes * count)), or manual weights by class name (classes not named weigh 1).
import type { StagePlan } from '@tlc/plan';

export function classWeights(
  plan: StagePlan['classWeights'],
  classNames: string[],
  labels: ArrayLike<number>,
): number[] | null {
  if (plan.mode === 'none') return null;
  if (plan.mode === 'manual') return classNames.map((name) => plan.weights[name] ?? 1);
  const counts = new Array(classNames.length).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.map((count) => (count === 0 ? 1 : labels.length / (classNames.length * count)));
}
