// A plan's multi-label parts against each other: what TL2055 and TL2056 catch in a .tl file.
//   TL3108  data.labels with a class-folder validation set or evaluation folder
//   TL3109  a sigmoid head over several classes with class weights, or with a loss other than
//           binary cross-entropy (the runtime trains such a head as independent yes/no questions)
import type { Plan } from '@tlc/plan';
import type { Problems } from './problems';

/** A sigmoid over several classes: each class its own yes/no question. */
export function isMultiLabelPlanHead(plan: Pick<Plan, 'head'>): boolean {
  return plan.head.outputActivation === 'sigmoid' && plan.head.outputUnits > 1;
}

export function checkMultiLabel(plan: Plan, problems: Problems): void {
  if (plan.data?.labels) {
    if (plan.data.validation.mode === 'directory') {
      problems.add('TL3108', '/data/validation', 'is a class-folder validation set but /data/labels gives the images their labels from a CSV file: hold out validation from it ({"mode": "split", …})');
    }
    if (plan.evaluate?.on === 'directory') {
      problems.add('TL3108', '/evaluate/on', 'is "directory" (class folders) but /data/labels gives the images their labels from a CSV file: evaluate on "validation"');
    }
  }
  if (!isMultiLabelPlanHead(plan)) return;
  plan.stages.forEach((stage, i) => {
    if (stage.classWeights.mode !== 'none') {
      problems.add('TL3109', `/stages/${i}/classWeights`, `is ${JSON.stringify(stage.classWeights.mode)} but the head is a sigmoid over ${plan.head.outputUnits} classes (multi-label): it must be {"mode": "none"}`);
    }
    if (stage.loss !== 'binary_crossentropy') {
      problems.add('TL3109', `/stages/${i}/loss`, `is ${JSON.stringify(stage.loss)} but the head is a sigmoid over ${plan.head.outputUnits} classes (multi-label): it trains with "binary_crossentropy"`);
    }
  });
}
