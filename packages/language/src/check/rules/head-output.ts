// TL2024: a block head must end with its output layer, a `dense`.
import { at, messages } from '../../diagnostics/catalog';
import { keywordSpan } from '../context';
import type { Rule } from './types';

export const headOutputRule: Rule = ({ head }) => {
  if (head?.form !== 'block') return [];
  const last = head.layers[head.layers.length - 1];
  if (last?.kind === 'Dense') return [];
  return [at(messages.headWithoutOutput(), last ? last.span : keywordSpan(head, 'head'))];
};
