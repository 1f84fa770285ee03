// TL2002 / TL2003: a pipeline needs a backbone (`use`) and a classifier (`head`).
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const missingStatementRule: Rule = ({ program, use, head }) => {
  // Reported at the start of the file, as one character, since there is no statement to point at.
  const span = { start: 0, end: Math.min(1, program.span.end) };
  return [...(use ? [] : [at(messages.missingUse(), span)]), ...(head ? [] : [at(messages.missingHead(), span)])];
};
