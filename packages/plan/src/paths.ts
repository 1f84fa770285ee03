// Paths in a plan are relative to the plan file's folder. A plan written somewhere else than
// the folder its paths were made for (`tlc compile -o DIR/plan.json`) has them rebased here.
import path from 'node:path';
import type { Plan } from './types';

/**
 * The same plan with every relative path rewritten from `fromDir` to `toDir` (POSIX separators).
 * Absolute paths are kept as they are.
 */
export function rebasePlanPaths(plan: Plan, fromDir: string, toDir: string): Plan {
  const rebase = (p: string): string => {
    if (path.isAbsolute(p)) return p;
    const relative = path.relative(path.resolve(toDir), path.resolve(fromDir, p)).split(path.sep).join('/');
    return relative === '' ? '.' : relative;
  };
  const weights = plan.model.weights.source === 'file' ? { ...plan.model.weights, path: rebase(plan.model.weights.path) } : plan.model.weights;
  const data = plan.data && {
    ...plan.data,
    directory: rebase(plan.data.directory),
    validation: plan.data.validation.mode === 'directory' ? { ...plan.data.validation, directory: rebase(plan.data.validation.directory) } : plan.data.validation,
  };
  return {
    ...plan,
    source: plan.source && { ...plan.source, file: rebase(plan.source.file) },
    model: { ...plan.model, weights },
    data,
    evaluate: plan.evaluate && { ...plan.evaluate, directory: plan.evaluate.directory === null ? null : rebase(plan.evaluate.directory) },
    export: plan.export && { ...plan.export, path: rebase(plan.export.path) },
    predict: plan.predict && { ...plan.predict, directory: rebase(plan.predict.directory) },
  };
}
