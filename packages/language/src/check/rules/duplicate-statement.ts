// TL2004: each statement may appear once (two `train` stages, two `use`, …), with a label at
// the first one; `fine tune` may appear any number of times.
import type { Statement } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { keywordSpan, statementKeyword } from '../context';
import type { Rule } from './types';

export const duplicateStatementRule: Rule = ({ program }) => {
  const seen = new Map<string, Statement>();
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    const keyword = statementKeyword(statement);
    // Any number of `fine tune` stages, in order (gradual unfreezing); their names must differ (TL2042).
    if (keyword === 'fine tune') continue;
    const first = seen.get(keyword);
    if (!first) {
      seen.set(keyword, statement);
      continue;
    }
    diagnostics.push(
      at(messages.duplicateStatement(keyword), keywordSpan(statement, keyword), [
        { span: keywordSpan(first, keyword), message: `first \`${keyword}\` here` },
      ]),
    );
  }
  return diagnostics;
};
