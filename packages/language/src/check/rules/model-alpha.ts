// TL2021 / TL2022: `alpha` (the MobileNet width multiplier) on a model that takes none, or a
// value the model does not offer.
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const modelAlphaRule: Rule = ({ use, model }) => {
  const alpha = use?.alpha;
  if (!alpha || !model) return [];
  if (!model.alphas) return [at(messages.alphaNotAccepted(model.name), alpha.span)];
  const value = alpha.value;
  if (value && value.value > 0 && !model.alphas.includes(value.value)) {
    return [at(messages.alphaNotAvailable(value.raw, model.name, [...model.alphas].sort((a, b) => a - b)), value.span)];
  }
  return [];
};
