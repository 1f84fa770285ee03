// TL2026: a clause the optimizer does not have (`optimizer adam momentum 0.9`). Keras 3's Adam
// and AdamW have no momentum argument; tlc would otherwise drop the value without a word.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { OPTIMIZER_CLAUSES } from '../../syntax/tokens';
import type { Rule } from './types';

const CLAUSE_WORD = { lr: 'lr', momentum: 'momentum', weightDecay: 'decay' } as const;

export const optimizerClausesRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    if (statement.kind !== 'Stage') continue;
    for (const setting of statement.settings) {
      if (setting.kind !== 'Optimizer' || !setting.name || !(setting.name.name in OPTIMIZER_CLAUSES)) continue;
      const optimizer = setting.name.name as keyof typeof OPTIMIZER_CLAUSES;
      const accepted: readonly string[] = OPTIMIZER_CLAUSES[optimizer];
      for (const [field, word] of Object.entries(CLAUSE_WORD) as [keyof typeof CLAUSE_WORD, string][]) {
        const span = setting.clauses?.[field]?.span;
        if (span && !accepted.includes(word)) {
          const owners = Object.entries(OPTIMIZER_CLAUSES)
            .filter(([, clauses]) => (clauses as readonly string[]).includes(word))
            .map(([name]) => name);
          diagnostics.push(at(messages.optimizerClause(optimizer, word, accepted, owners), span));
        }
      }
    }
  }
  return diagnostics;
};
