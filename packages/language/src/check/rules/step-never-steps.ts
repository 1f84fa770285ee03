// TL2035: `schedule step every N epochs` with N at least the stage's epochs: the first step would
// come after the stage ends, so the rate never changes (a warning: it runs, as a constant rate).
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { stageEpochs, stagesOf, stageWord } from '../stage-values';
import type { Rule } from './types';

export const stepNeverStepsRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  for (const stage of stagesOf(context)) {
    for (const s of stage.settings) {
      if (s.kind !== 'Schedule' || s.type?.name !== 'step' || !s.every || !(s.every.value > 0)) continue;
      const epochs = stageEpochs(stage, context);
      if (epochs !== undefined && s.every.value >= epochs) diagnostics.push(at(messages.stepNeverSteps(s.every.value, epochs, stageWord(stage)), s.every.span));
    }
  }
  return diagnostics;
};
