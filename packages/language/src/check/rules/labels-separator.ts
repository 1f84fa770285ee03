// TL2067, TL2068, TL2069: `labels "FILE" separator "S"`, what separates two labels in the label
// column (fastai's label_delim; default a space). Empty is an error (TL2067); so is a character the
// CSV itself uses, a comma, a quote or a line break (TL2068): an unquoted row would spread its
// labels over columns tlc ignores. A separator that spells a character's name (`"semicolon"`) or
// has spaces around it (`"; "`: labels are trimmed, so the spaces only stop `cat;dog` from being
// split) is a warning with a "did you mean" (TL2069).
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { quote } from '../../format/printer';
import { labelsSetting } from '../multi-label';
import type { Rule } from './types';

/** Names people write for a separator character. */
const NAMED: Record<string, string> = {
  space: ' ',
  tab: '\t',
  semicolon: ';',
  pipe: '|',
  bar: '|',
  colon: ':',
  slash: '/',
};

export const labelsSeparatorRule: Rule = ({ data }) => {
  const literal = labelsSetting(data)?.separator;
  if (!literal) return [];
  const separator = literal.value;
  const shown = quote(separator);
  const named = NAMED[separator.trim().toLowerCase()];
  const diagnostics: Diagnostic[] = [];
  if (separator === '') diagnostics.push(at(messages.emptySeparator(), literal.span));
  else if (/[,"\r\n]/.test(separator)) diagnostics.push(at(messages.csvSeparator(shown), literal.span));
  else if (named !== undefined) diagnostics.push(at(messages.separatorLooksWrong(shown, quote(named), 'name'), literal.span));
  else if (separator.trim() !== '' && separator.trim() !== separator) {
    diagnostics.push(at(messages.separatorLooksWrong(shown, quote(separator.trim()), 'padded'), literal.span));
  }
  return diagnostics;
};
