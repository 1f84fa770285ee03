// TL2052 (warning): `batch norm train` where no stage it applies to trains a backbone layer. The
// mode is inherited by later stages until one says `batch norm frozen`, and it only lets the
// BatchNormalization layers that are unfrozen train: with the backbone frozen in all of those
// stages (`freeze all` and no `fine tune`), it changes nothing. With `weights none` TL2041 speaks.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { settingOf } from '../../compile/select';
import { stageWord, trainedFrom } from '../stage-values';
import type { Rule } from './types';

export const batchNormTrainChangesNothingRule: Rule = (context) => {
  if (!context.pretrained || !context.use) return [];
  const diagnostics: Diagnostic[] = [];
  context.stages.forEach((stage, index) => {
    const mode = settingOf(stage.settings, 'BatchNormMode');
    if (mode?.mode?.name !== 'train') return;
    const applies = [stage];
    for (const later of context.stages.slice(index + 1)) {
      if (settingOf(later.settings, 'BatchNormMode')) break;
      applies.push(later);
    }
    if (applies.every((s) => trainedFrom(s, context) === 'none')) diagnostics.push(at(messages.batchNormTrainChangesNothing(stageWord(stage)), mode.span));
  });
  return diagnostics;
};
