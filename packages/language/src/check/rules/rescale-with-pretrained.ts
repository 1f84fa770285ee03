// TL2006 (warning): pretrained filters with `preprocess rescale` or `none`. The weights were
// trained on the model's own preprocessing; rescaling to [0, 1] is for training from scratch.
// Only for `weights imagenet`: a weights file may have been trained with any preprocessing (a
// pipeline of the user's own, exported by tlc, records its preprocessing in its plan.json).
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const rescaleWithPretrainedRule: Rule = ({ model, pretrained, weightsFromFile, preprocess }) => {
  const mode = preprocess?.mode?.name;
  if (!model || !pretrained || weightsFromFile || !preprocess?.mode || (mode !== 'rescale' && mode !== 'none')) return [];
  return [at(messages.rescaleWithPretrained(mode, model.name, model.preprocess), preprocess.mode.span)];
};
