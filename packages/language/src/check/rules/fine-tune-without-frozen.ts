// TL2018: `fine tune` when stage 1 freezes nothing (`freeze none`, or random weights without
// `freeze`): the whole backbone already trains, so there is nothing to unfreeze.
import { at, messages } from '../../diagnostics/catalog';
import { keywordSpan } from '../context';
import type { Rule } from './types';

export const fineTuneWithoutFrozenRule: Rule = ({ fineTune, use, frozen }) => {
  if (!fineTune || !use || frozen) return [];
  return [at(messages.fineTuneWithoutFrozen(), keywordSpan(fineTune, 'fine tune'))];
};
