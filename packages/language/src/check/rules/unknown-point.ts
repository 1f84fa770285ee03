// TL2011: a freeze, cut or unfreeze point the backbone does not have. Block aliases are checked
// against the catalog's blocks; quoted Keras layer names against the generated layer list
// (accepted as written when the list has not been generated).
import { at, messages } from '../../diagnostics/catalog';
import { didYouMean } from '../../diagnostics/did-you-mean';
import type { Diagnostic } from '../../diagnostics/types';
import { namedPoints } from './points';
import type { Rule } from './types';

export const unknownPointRule: Rule = (context) => {
  const { model, layers } = context;
  if (!model) return [];
  const blocks = model.blocks.map((b) => b.name);
  const diagnostics: Diagnostic[] = [];
  for (const { ref } of namedPoints(context)) {
    if (ref.kind === 'Identifier') {
      if (blocks.includes(ref.name)) continue;
      // An unquoted Keras layer name: say to quote it. `block9` on a five-block model is not a
      // typo of `block1`: no suggestion, the valid blocks are listed instead.
      const suggestion = layers?.includes(ref.name)
        ? `"${ref.name}"`
        : /^block\d+$/.test(ref.name)
          ? undefined
          : didYouMean(ref.name, blocks);
      diagnostics.push(at(messages.unknownPoint(ref.name, model.name, blocks, suggestion), ref.span));
    } else if (ref.kind === 'String' && layers && !layers.includes(ref.value)) {
      const suggestion = didYouMean(ref.value, layers);
      diagnostics.push(at(messages.unknownLayer(ref.value, model.name, suggestion && `"${suggestion}"`), ref.span));
    }
  }
  return diagnostics;
};
