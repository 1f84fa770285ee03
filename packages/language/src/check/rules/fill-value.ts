// TL2045: `fill nearest 5`: a value only means something for `fill constant V` (Keras's cval is
// read by fill_mode='constant' alone).
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import type { Rule } from './types';

export const fillValueRule: Rule = ({ augment }) => {
  const diagnostics: Diagnostic[] = [];
  for (const s of augment?.settings ?? []) {
    if (s.kind === 'Fill' && s.value && s.mode && s.mode.name !== 'constant') {
      diagnostics.push(at(messages.fillValueWithoutConstant(s.mode.name), s.value.span));
    }
  }
  return diagnostics;
};
