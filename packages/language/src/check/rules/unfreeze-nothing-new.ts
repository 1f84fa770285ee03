// TL2040: in the third stage or later, an `unfreeze` that trains nothing the stage before it did
// not: `unfreeze from B` where the previous `fine tune` already trains from B or an earlier point
// (or the whole backbone), or `unfreeze all` after a stage that trains the whole backbone.
// Gradual unfreezing moves the point earlier at each stage. (Stage 2 against stage 1's freeze is
// TL2020 and TL2018.)
import type { StageStatement } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import { settingOf } from '../../compile/select';
import { comparePositions, pointPosition, pointText } from '../context';
import { mayHaveMeant } from '../settled';
import { stageWord } from '../stage-values';
import type { Rule } from './types';

export const unfreezeNothingNewRule: Rule = (context) =>
  context.fineTunes.slice(1).flatMap((stage, i) => {
    const unfreeze = settingOf(stage.settings, 'Unfreeze');
    if (!unfreeze || (!unfreeze.all && !unfreeze.from)) return [];
    const previous: StageStatement = context.fineTunes[i];
    const previousFrom = settingOf(previous.settings, 'Unfreeze')?.from;
    // A previous stage whose block has a syntax error may have meant an `unfreeze` there.
    if (!settingOf(previous.settings, 'Unfreeze') && mayHaveMeant(previous, 'Unfreeze')) return [];
    const written = unfreeze.all ? 'unfreeze all' : `unfreeze from ${pointText(unfreeze.from!)}`;
    if (!previousFrom) return [at(messages.unfreezeNothingNew(written, stageWord(previous), null), unfreeze.span)];
    if (unfreeze.all) return [];
    const order = comparePositions(pointPosition(context, unfreeze.from!, 'start'), pointPosition(context, previousFrom, 'start'));
    if (order === undefined || order < 0) return [];
    return [at(messages.unfreezeNothingNew(written, stageWord(previous), pointText(previousFrom)), unfreeze.span)];
  });
