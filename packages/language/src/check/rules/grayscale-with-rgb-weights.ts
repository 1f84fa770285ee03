// TL2008 (info): grayscale images with pretrained RGB weights. Allowed: the first convolution
// is adapted by summing its RGB kernels, or re-initialised with `adapt skip`. Says which. A
// weights file may already be grayscale: then nothing is adapted, and the note says "if".
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const grayscaleWithRgbWeightsRule: Rule = ({ model, pretrained, weightsFromFile, image }) => {
  if (!model || !pretrained || image?.color?.name !== 'grayscale') return [];
  const adapt = image.adapt?.name ?? 'sum';
  if (adapt !== 'sum' && adapt !== 'skip') return []; // an unknown word: reported as TL2016
  return [at(messages.grayscaleWithRgbWeights(model.firstConv, adapt, weightsFromFile), image.color.span)];
};
