// TL2002 / TL2003: a pipeline needs a backbone (`use`) and a classifier (`head`). With nothing
// to point at, the diagnostic sits on the first statement's keyword (a missing head on `use`),
// or at the start of an empty file.
import type { Span } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import { keywordSpan, statementKeyword } from '../context';
import type { Rule } from './types';

export const missingStatementRule: Rule = ({ program, use, head }) => {
  const first = program.statements[0];
  const firstSpan: Span = first ? keywordSpan(first, statementKeyword(first)) : { start: 0, end: 0 };
  return [
    ...(use ? [] : [at(messages.missingUse(), firstSpan)]),
    ...(head ? [] : [at(messages.missingHead(), use ? keywordSpan(use, 'use') : firstSpan)]),
  ];
};
