// TL2055: a `labels` file together with `validation "DIR"` or `evaluate "DIR"`: those folders are
// read as class folders, one label per image, while the labels file gives the training images
// theirs. Validation is held out of the labels file instead (`validation N%`).
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { labelsSetting } from '../multi-label';
import type { Rule } from './types';

export const labelsWithFolderRule: Rule = ({ data, program }) => {
  if (!labelsSetting(data)) return [];
  const diagnostics: Diagnostic[] = [];
  for (const setting of data?.settings ?? []) {
    if (setting.kind === 'Validation' && setting.directory) diagnostics.push(at(messages.labelsWithFolder('validation folder'), setting.directory.span));
  }
  for (const statement of program.statements) {
    if (statement.kind === 'Evaluate' && statement.target?.kind === 'String') diagnostics.push(at(messages.labelsWithFolder('evaluation folder'), statement.target.span));
  }
  return diagnostics;
};
