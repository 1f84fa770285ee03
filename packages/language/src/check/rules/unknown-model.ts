// TL2001: `use` names a model the zoo does not have; suggest the nearest Keras name.
import { modelNames } from '@tlc/zoo/catalog';
import { at, messages } from '../../diagnostics/catalog';
import { didYouMean } from '../../diagnostics/did-you-mean';
import type { Rule } from './types';

export const unknownModelRule: Rule = ({ use, model }) => {
  if (!use?.model || model) return [];
  const name = use.model.name;
  return [at(messages.unknownModel(name, didYouMean(name, modelNames())), use.model.span)];
};
