// TL2053 (warning): a stage with `reduce lr on plateau` whose `early stop` (its own or inherited)
// watches the same value with a patience no longer than the plateau's: early stopping ends the
// stage before (or in the epoch that) the rate would be lowered, so the plateau never helps.
// Keras users give EarlyStopping the longer patience. A plateau that cannot act at all is TL2051's.
import { at, messages } from '../../diagnostics/catalog';
import { DEFAULT_MONITOR, DEFAULT_PATIENCE, PLATEAU_DEFAULTS } from '../../compile/defaults';
import type { Diagnostic } from '../../diagnostics/types';
import { settingOf } from '../../compile/select';
import { stageEarlyStop, stageEpochs } from '../stage-values';
import type { Rule } from './types';

export const earlyStopBeforePlateauRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  for (const stage of context.stages) {
    const plateau = settingOf(stage.settings, 'Plateau');
    const early = stageEarlyStop(stage, context);
    if (!plateau || !early) continue;
    const plateauPatience = plateau.patience?.value ?? PLATEAU_DEFAULTS.patience;
    const earlyPatience = early.patience?.value ?? DEFAULT_PATIENCE;
    const plateauMonitor = plateau.monitor?.name ?? PLATEAU_DEFAULTS.monitor;
    const earlyMonitor = early.monitor?.name ?? DEFAULT_MONITOR;
    const epochs = stageEpochs(stage, context);
    if (epochs === undefined || plateauMonitor !== earlyMonitor || plateauPatience >= epochs - 1) continue;
    if (earlyPatience <= plateauPatience) {
      const label = { span: early.span, message: settingOf(stage.settings, 'EarlyStop') ? 'stops here first' : 'inherited from the stage before' };
      diagnostics.push(at(messages.earlyStopBeforePlateau(earlyPatience, plateauPatience, plateauMonitor), plateau.span, [label]));
    }
  }
  return diagnostics;
};
