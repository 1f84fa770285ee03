// TL2062 (info): `precision bf16` changes the arithmetic only where bfloat16 exists: the torch
// engine (PyTorch autocast). The tfjs engine, the default, has no bfloat16 and trains in float32
// (it says so at run time, TL4328), so the plan still runs everywhere.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import type { Rule } from './types';

export const bf16OnTorchOnlyRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    if (statement.kind !== 'Stage') continue;
    for (const s of statement.settings) {
      if (s.kind === 'Precision' && s.value?.name === 'bf16') diagnostics.push(at(messages.bf16OnTorchOnly(), s.span));
    }
  }
  return diagnostics;
};
