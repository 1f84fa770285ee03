// TL2030: `class weights { … }` naming a class the data does not have (`sneakers` for the folder
// `sneaker`): the weight would be dropped without a word. Checked when the file system is known
// and the data folder is there (its sub-folders are the classes, as the runtime reads them);
// otherwise the runtime checks the same after scanning the folders, before decoding an image.
import { at, messages } from '../../diagnostics/catalog';
import { didYouMean } from '../../diagnostics/did-you-mean';
import type { Diagnostic } from '../../diagnostics/types';
import type { Rule } from './types';

export const unknownClassWeightRule: Rule = ({ files, data, stages }) => {
  const directory = data?.directory?.value;
  if (!files || directory === undefined) return [];
  const classes = files.classFolders(directory);
  if (!classes || classes.length === 0) return [];
  const diagnostics: Diagnostic[] = [];
  for (const stage of stages) {
    for (const setting of stage?.settings ?? []) {
      if (setting.kind !== 'ClassWeights') continue;
      for (const entry of setting.entries) {
        const node = entry.className;
        const name = node?.kind === 'String' ? node.value : node?.name;
        if (node && name !== undefined && !classes.includes(name)) {
          diagnostics.push(at(messages.unknownClassWeight(name, directory, classes, didYouMean(name, classes)), node.span));
        }
      }
    }
  }
  return diagnostics;
};
