// TL2033: `schedule one cycle max lr X` with X below the stage's learning rate, where the cycle
// starts: the "peak" would be a trough.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { stageLearningRate, stagesOf, stageWord } from '../stage-values';
import type { Rule } from './types';

export const oneCycleBelowLrRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  for (const stage of stagesOf(context)) {
    for (const s of stage.settings) {
      if (s.kind !== 'Schedule' || s.type?.name !== 'one cycle' || !s.maxLr || !(s.maxLr.value > 0)) continue;
      const lr = stageLearningRate(stage, context);
      if (s.maxLr.value < lr) diagnostics.push(at(messages.oneCycleBelowLr(s.maxLr.raw, lr, stageWord(stage)), s.clauses?.maxLr?.span ?? s.maxLr.span));
    }
  }
  return diagnostics;
};
