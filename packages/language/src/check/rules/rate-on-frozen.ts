// TL2036: a discriminative learning rate on layers its stage keeps frozen: `lr A for B1..B2`
// starting before the stage's first trained layer, or any such rate (or `lr A .. B`'s spread) in
// a stage that trains no backbone layer. Frozen layers never learn, at any rate.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { comparePositions, pointPosition, pointText } from '../context';
import { trainedFrom, stageWord } from '../stage-values';
import type { Rule } from './types';

export const rateOnFrozenRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  for (const stage of context.stages) {
    const trained = trainedFrom(stage, context);
    for (const s of stage.settings) {
      if (s.kind === 'LearningRate' && s.to && s.value && trained === 'none') {
        diagnostics.push(at(messages.rateOnFrozen(`lr ${s.value.raw} .. ${s.to.raw}`, stageWord(stage), null), s.span));
      }
      if (s.kind !== 'LayerLearningRate' || !s.from || !s.value) continue;
      const range = `lr ${s.value.raw} for ${pointText(s.from)}${s.to ? `..${pointText(s.to)}` : ''}`;
      if (trained === 'none') diagnostics.push(at(messages.rateOnFrozen(range, stageWord(stage), null), s.span));
      else if (trained && trained !== 'all') {
        const order = comparePositions(pointPosition(context, s.from, 'start'), trained.position);
        if (order !== undefined && order < 0) diagnostics.push(at(messages.rateOnFrozen(range, stageWord(stage), trained.text), s.from.span));
      }
    }
  }
  return diagnostics;
};
