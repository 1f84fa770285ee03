// TL2051 (warning): `reduce lr on plateau` or `early stop` whose patience the stage cannot reach.
// The first epoch always sets the best value, so the earliest reduction or stop comes after epoch
// patience + 1 (Keras's callbacks and the runtime count alike); a reduction there would only
// apply from epoch patience + 2. With patience ≥ epochs − 1 neither acts: Keras's default
// patience of 10 in tlc's default 10-epoch stage is the common case.
import { at, messages } from '../../diagnostics/catalog';
import { DEFAULT_PATIENCE, PLATEAU_DEFAULTS } from '../../compile/defaults';
import type { Diagnostic } from '../../diagnostics/types';
import { stageEpochs, stageWord } from '../stage-values';
import type { Rule } from './types';

export const patienceOutlastsStageRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  for (const stage of context.stages) {
    for (const s of stage.settings) {
      if (s.kind !== 'Plateau' && s.kind !== 'EarlyStop') continue;
      const patience = s.patience?.value ?? (s.kind === 'Plateau' ? PLATEAU_DEFAULTS.patience : DEFAULT_PATIENCE);
      if (!Number.isInteger(patience) || patience < 0) continue; // TL2015's
      const epochs = stageEpochs(stage, context);
      if (epochs === undefined || !Number.isInteger(epochs) || epochs <= 0) continue; // unknown, or TL2014's
      if (patience >= epochs - 1) {
        const setting = s.kind === 'Plateau' ? 'reduce lr on plateau' : 'early stop';
        diagnostics.push(at(messages.patienceOutlastsStage(setting, patience, epochs, stageWord(stage)), s.patience?.span ?? s.span));
      }
    }
  }
  return diagnostics;
};
