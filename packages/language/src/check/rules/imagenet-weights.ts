// TL2025: ImageNet weights (asked for, or the default) that Keras does not publish for these
// options, e.g. an alpha without a weights file. Uses the same choice of input size as the
// compiler: a square image's size, else the model's default size.
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const imagenetWeightsRule: Rule = ({ use, model, image, pretrained }) => {
  const source = use?.weights?.source;
  if (!use || !model || !pretrained || source?.kind === 'String') return [];
  const alpha = use.alpha?.value?.value;
  if (alpha !== undefined && !model.alphas?.includes(alpha)) return []; // TL2021 / TL2022
  const size = image?.size;
  const inputSize = size && size.width === size.height ? size.width : model.inputSize;
  if (model.weightsFor({ ...(alpha !== undefined ? { alpha } : {}), inputSize })) return [];
  const options = alpha !== undefined ? ` with alpha ${alpha} at ${inputSize}x${inputSize}` : ` at ${inputSize}x${inputSize}`;
  return [at(messages.noImagenetWeights(model.name, options), (source ?? use).span)];
};
