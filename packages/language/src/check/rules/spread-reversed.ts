// TL2038: `lr A .. B` with A above B. fastai's slice(A, B) gives the first trainable block A
// and the head B: the earlier, more generic layers learn slowest.
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const spreadReversedRule: Rule = ({ stages }) =>
  stages.flatMap((stage) =>
    stage.settings.flatMap((s) =>
      s.kind === 'LearningRate' && s.value && s.to && s.value.value > s.to.value ? [at(messages.spreadReversed(s.value.raw, s.to.raw), s.span)] : [],
    ),
  );
