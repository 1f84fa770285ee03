// TL2046: `random crop` with `resize pad`: the windows are cut from the padded image (the source
// decode follows `resize`), so many of them are mostly the black bars, not the picture.
import type { RandomCropSetting, ResizeSetting } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const randomCropPaddedRule: Rule = ({ data, augment }) => {
  const crop = augment?.settings.find((s): s is RandomCropSetting => s.kind === 'RandomCrop');
  const resize = data?.settings.find((s): s is ResizeSetting => s.kind === 'Resize');
  if (!crop || resize?.mode?.name !== 'pad') return [];
  return [at(messages.randomCropPadded(), crop.span)];
};
