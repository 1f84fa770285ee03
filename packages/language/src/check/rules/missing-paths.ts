// TL2028, TL2029: a path the pipeline reads that is not there, relative to the .tl file's folder
// (only when the caller gave a view of the file system: `tlc check`, the language server).
// Folders a run reads (data, validation, evaluate, predict) must exist: an error, as the run
// would stop on them, some only after hours of training. A missing weights file is an error too,
// except a `model.json`, which another pipeline's `export` may write before this one runs: a
// warning.
import type { StringLiteral } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import type { Rule } from './types';

export const missingPathsRule: Rule = ({ files, data, use, program }) => {
  if (!files) return [];
  const diagnostics: Diagnostic[] = [];
  const folder = (role: string, literal: StringLiteral | undefined, byClass = true) => {
    if (!literal) return;
    const kind = files.kind(literal.value);
    if (kind !== 'folder') diagnostics.push(at(messages.missingFolder(role, literal.value, kind === 'file', byClass), literal.span));
  };
  folder('data folder', data?.directory);
  for (const setting of data?.settings ?? []) if (setting.kind === 'Validation') folder('validation folder', setting.directory);
  for (const statement of program.statements) {
    if (statement.kind === 'Evaluate' && statement.target?.kind === 'String') folder('evaluation folder', statement.target);
    if (statement.kind === 'Predict') folder('folder to predict', statement.path, false);
  }
  const weights = use?.weights?.source;
  if (weights?.kind === 'String') {
    const kind = files.kind(weights.value);
    // A folder (an exported model's, most often) gets the file to name inside it; a missing file
    // of no known format is TL3003's to report.
    if (kind === 'folder') diagnostics.push(at(messages.missingWeightsFile(weights.value, true, false), weights.span));
    else if (kind === undefined && /\.(h5|hdf5|json)$/i.test(weights.value)) {
      const exported = /(^|[\\/])model\.json$/.test(weights.value);
      diagnostics.push(at(messages.missingWeightsFile(weights.value, false, exported), weights.span));
    }
  }
  return diagnostics;
};
