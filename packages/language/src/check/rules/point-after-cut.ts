// TL2012: `freeze until` or `unfreeze from` a point after the `cut after` block: those layers
// are no longer in the model.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { comparePositions, pointPosition, pointText } from '../context';
import { namedPoints } from './points';
import type { Rule } from './types';

export const pointAfterCutRule: Rule = (context) => {
  const cut = context.use?.cut?.after;
  if (!cut) return [];
  const cutEnd = pointPosition(context, cut, 'end');
  const diagnostics: Diagnostic[] = [];
  for (const { clause, ref } of namedPoints(context)) {
    if (clause === 'cut after') continue;
    const position = pointPosition(context, ref, clause === 'unfreeze from' ? 'start' : 'end');
    const order = comparePositions(position, cutEnd);
    if (order !== undefined && order > 0) {
      diagnostics.push(at(messages.pointAfterCut(clause, pointText(ref), pointText(cut)), ref.span));
    }
  }
  return diagnostics;
};
