// TL2054: `labels "FILE"` naming a file the data folder does not have (only when the caller gave
// a view of the file system: `tlc check`, the language server). The path is relative to the data
// folder, as fastai's `from_csv` reads it and as the image paths inside the file are.
import path from 'node:path';
import { at, messages } from '../../diagnostics/catalog';
import { labelsSetting } from '../multi-label';
import type { Rule } from './types';

export const labelsFileMissingRule: Rule = ({ files, data }) => {
  const literal = labelsSetting(data)?.path;
  const directory = data?.directory?.value;
  if (!files || !literal || directory === undefined || files.kind(directory) !== 'folder') return [];
  const kind = files.kind(path.isAbsolute(literal.value) ? literal.value : path.join(directory, literal.value));
  if (kind === 'file') return [];
  return [at(messages.labelsFileMissing(literal.value, directory, kind === 'folder'), literal.span)];
};
