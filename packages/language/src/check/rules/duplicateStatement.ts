// TL2004: each statement may appear once (two `train` stages, two `use`, …), with a label at
// the first one.
import type { Statement } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { keywordSpan } from '../context';
import type { Rule } from './types';

const KEYWORD: Record<Statement['kind'], string> = {
  Pipeline: 'pipeline',
  Data: 'data',
  Augment: 'augment',
  Use: 'use',
  Preprocess: 'preprocess',
  Head: 'head',
  Stage: 'train',
  Evaluate: 'evaluate',
  Export: 'export',
  Predict: 'predict',
};

function keywordOf(statement: Statement): string {
  return statement.kind === 'Stage' && statement.stage === 'fineTune' ? 'fine tune' : KEYWORD[statement.kind];
}

export const duplicateStatementRule: Rule = ({ program }) => {
  const seen = new Map<string, Statement>();
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    const keyword = keywordOf(statement);
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
