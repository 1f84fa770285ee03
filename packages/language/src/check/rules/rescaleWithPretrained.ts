// TL2006 (warning): pretrained filters with `preprocess rescale` or `none`. The weights were
// trained on the model's own preprocessing; rescaling to [0, 1] is for training from scratch.
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const rescaleWithPretrainedRule: Rule = ({ model, pretrained, preprocess }) => {
  const mode = preprocess?.mode?.name;
  if (!model || !pretrained || !preprocess?.mode || (mode !== 'rescale' && mode !== 'none')) return [];
  return [at(messages.rescaleWithPretrained(mode, model.name, model.preprocess), preprocess.mode.span)];
};
