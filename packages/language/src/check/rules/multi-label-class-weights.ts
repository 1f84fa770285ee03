// TL2056: `class weights` with a sigmoid head over several classes. A class weight scales the
// loss of an image by its one class; a multi-label image has several (or none), and each class is
// its own binary question, so there is no one weight to apply.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { isMultiLabelHead } from '../multi-label';
import type { Rule } from './types';

export const multiLabelClassWeightsRule: Rule = ({ head, train, fineTune }) => {
  if (!isMultiLabelHead(head)) return [];
  const diagnostics: Diagnostic[] = [];
  for (const stage of [train, fineTune]) {
    for (const setting of stage?.settings ?? []) {
      if (setting.kind === 'ClassWeights') diagnostics.push(at(messages.multiLabelClassWeights(), setting.span));
    }
  }
  return diagnostics;
};
