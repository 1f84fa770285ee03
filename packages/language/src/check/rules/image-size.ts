// TL2009: an image size the backbone cannot take: smaller than its minimum, or not a
// multiple of what its architecture needs. Both name the minimum.
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const imageSizeRule: Rule = ({ model, image }) => {
  const size = image?.size;
  if (!model || !size) return [];
  const { width, height } = size;
  if (width < model.minInputSize || height < model.minInputSize) {
    return [at(messages.imageTooSmall(width, height, model.name, model.minInputSize), size.span)];
  }
  const multiple = model.inputSizeMultiple;
  if (multiple > 1 && (width % multiple !== 0 || height % multiple !== 0)) {
    return [at(messages.imageWrongMultiple(width, height, model.name, multiple, model.minInputSize), size.span)];
  }
  return [];
};
