// TL2007: `weights none` with `freeze all` or `freeze until`: frozen random filters never learn.
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const freezeRandomWeightsRule: Rule = ({ use, pretrained }) => {
  const freeze = use?.freeze;
  if (pretrained || !freeze || (freeze.mode !== 'all' && freeze.mode !== 'until')) return [];
  return [at(messages.freezeRandomWeights(freeze.mode), freeze.span)];
};
