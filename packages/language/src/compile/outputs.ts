// `evaluate`, `export` and `predict`: what the run produces after training.
import type { EvaluateStatement, ExportStatement, PredictStatement } from '../ast/nodes';
import type { EvaluatePlan, ExportPlan, PredictPlan } from '@tlc/plan';
import { planPath } from './paths';

/** A multi-label head's decision threshold unless `evaluate … threshold T` sets one (fastai's accuracy_multi). */
export const DEFAULT_THRESHOLD = 0.5;

/** `evaluate` and `evaluate validation` use the validation data; `evaluate "folder"` a test folder. */
export function lowerEvaluate(statement: EvaluateStatement | undefined): EvaluatePlan | null {
  if (!statement) return null;
  const target = statement.target;
  const tta: EvaluatePlan['tta'] = statement.tta?.name === 'flips' ? 'flips' : 'none';
  const threshold = statement.threshold?.value ?? DEFAULT_THRESHOLD;
  if (target?.kind === 'String') return { on: 'directory', directory: planPath(target.value), tta, threshold };
  return { on: 'validation', directory: null, tta, threshold };
}

export function lowerExport(statement: ExportStatement | undefined): ExportPlan | null {
  if (!statement?.path) return null;
  return { path: planPath(statement.path.value), format: statement.format?.name === 'onnx' ? 'onnx' : 'tfjs-layers' };
}

export function lowerPredict(statement: PredictStatement | undefined): PredictPlan | null {
  return statement?.path ? { directory: planPath(statement.path.value) } : null;
}
