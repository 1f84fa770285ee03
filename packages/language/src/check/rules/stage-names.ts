// TL2042: two stages with one name (an unnamed `fine tune` is `fine-tune`, a later unnamed one
// `fine-tune-K`, stage 1 `train`), or a name that cannot name a stage: the run tells its stages
// apart by name (metrics.csv's stage column, the log, the report) and puts it in file names.
import type { Span, StageStatement } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { keywordSpan } from '../context';
import { STAGE_NAME, stageNames, stageWord } from '../stage-values';
import type { Rule } from './types';

const nameSpan = (stage: StageStatement): Span => stage.name?.span ?? keywordSpan(stage, stageWord(stage));

export const stageNamesRule: Rule = ({ stages }) => {
  const names = stageNames(stages);
  const seen = new Map<string, StageStatement>();
  const diagnostics: Diagnostic[] = [];
  stages.forEach((stage, i) => {
    const name = names[i];
    if (stage.name && !STAGE_NAME.test(name)) {
      diagnostics.push(at(messages.unusableStageName(name), stage.name.span));
      return;
    }
    const first = seen.get(name);
    // Stage 1 is `train` even when no `train { }` is written.
    if (!first && stage.stage === 'fineTune' && name === 'train') diagnostics.push(at(messages.duplicateStageName(name), nameSpan(stage)));
    else if (first) diagnostics.push(at(messages.duplicateStageName(name), nameSpan(stage), [{ span: nameSpan(first), message: `the first stage named "${name}"` }]));
    else seen.set(name, stage);
  });
  return diagnostics;
};
