// TL2013 (info): augmentation with a frozen backbone. Frozen features could be computed once and
// cached, but augmented images differ every epoch, so the cache is off. Say so.
import { at, messages } from '../../diagnostics/catalog';
import { keywordSpan } from '../context';
import type { Rule } from './types';

export const augmentWithFrozenBackboneRule: Rule = ({ augment, frozen, use }) => {
  if (!augment || !use || !frozen) return [];
  // `seed` and `fill` alone change no image.
  const augments = augment.settings.some((s) => s.kind !== 'AugmentSeed' && s.kind !== 'Fill');
  return augments ? [at(messages.augmentWithFrozenBackbone(), keywordSpan(augment, 'augment'))] : [];
};
