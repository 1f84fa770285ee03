// TL2061: `precision fp16` (float16 by any of its names): float16 mixed precision needs loss
// scaling to keep small gradients from vanishing, which tlc does not do; bf16 does not need it.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { HALF_PRECISION } from '../../syntax/tokens';
import type { Rule } from './types';

export const halfPrecisionRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    if (statement.kind !== 'Stage') continue;
    for (const s of statement.settings) {
      if (s.kind === 'Precision' && s.value && HALF_PRECISION.includes(s.value.name)) diagnostics.push(at(messages.halfPrecision(s.value.name), s.value.span));
    }
  }
  return diagnostics;
};
