// Per-class loss weights from the stage's plan: none, balanced (Keras / scikit-learn:
// total / (classes * count)), or manual weights by class name (classes not named weigh 1).
import { didYouMean } from '@tlc/language';
import type { StagePlan } from '@tlc/plan';
import { RunError, runtimeMessages } from '../messages';

/**
 * TL2030 at run time (`tlc check` reports it when it can see the data folder): manual weights
 * naming a class the data does not have would be dropped without a word. Called once the class
 * folders are known, before any image is decoded.
 */
export function checkClassWeightNames(stages: readonly Pick<StagePlan, 'name' | 'classWeights'>[], classNames: readonly string[]): void {
  for (const stage of stages) {
    if (stage.classWeights.mode !== 'manual') continue;
    const unknown = Object.keys(stage.classWeights.weights).filter((name) => !classNames.includes(name));
    if (unknown.length === 0) continue;
    const named = unknown.map((name) => {
      const suggestion = didYouMean(name, classNames);
      return `\`${name}\`${suggestion === undefined ? '' : ` (did you mean \`${suggestion}\`?)`}`;
    });
    throw new RunError(runtimeMessages.classWeightsNotClasses(stage.name, named, classNames));
  }
}

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
