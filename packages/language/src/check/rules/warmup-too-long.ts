// TL2032: `schedule cosine warmup N epochs` with N at least the stage's epochs: the rate would
// only climb and never decay. (A warm-up in steps is checked against the data at run time.)
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { stageEpochs, stagesOf, stageWord } from '../stage-values';
import type { Rule } from './types';

export const warmupTooLongRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  for (const stage of stagesOf(context)) {
    for (const s of stage.settings) {
      if (s.kind !== 'Schedule' || s.type?.name !== 'cosine' || !s.warmup || s.warmupUnit?.name !== 'epochs') continue;
      const epochs = stageEpochs(stage, context);
      if (epochs !== undefined && s.warmup.value >= epochs) diagnostics.push(at(messages.warmupTooLong(s.warmup.value, epochs, stageWord(stage)), s.clauses?.warmup?.span ?? s.warmup.span));
    }
  }
  return diagnostics;
};
