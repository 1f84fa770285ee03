// TL2057, TL2058: `evaluate … threshold T`. The threshold decides which classes a multi-label head
// (a sigmoid over several classes) predicts; it must lie strictly between 0 and 1 (an error), and
// with any other head it changes nothing (a warning: the most probable class is the prediction).
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { isMultiLabelHead } from '../multi-label';
import type { Rule } from './types';

export const evaluateThresholdRule: Rule = ({ program, head }) => {
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    if (statement.kind !== 'Evaluate' || !statement.threshold) continue;
    const { value, span } = statement.threshold;
    if (!(value > 0 && value < 1)) diagnostics.push(at(messages.thresholdRange(value), span));
    else if (head && !isMultiLabelHead(head)) diagnostics.push(at(messages.thresholdWithoutMultiLabel(), span));
  }
  return diagnostics;
};
