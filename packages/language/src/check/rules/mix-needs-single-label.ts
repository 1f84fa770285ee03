// TL2043: `mixup` / `cutmix` mix two labels into one target distribution, which needs a
// single-label (softmax, categorical) head: not independent sigmoids over several classes
// (multi-label) nor binary cross-entropy per unit.
import type { MixSetting } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { outputLayer } from '../output-layer';
import type { Rule } from './types';

export const mixNeedsSingleLabelRule: Rule = ({ augment, head, train, fineTune }) => {
  const mixes = augment?.settings.filter((s): s is MixSetting => s.kind === 'Mixup' || s.kind === 'Cutmix') ?? [];
  if (mixes.length === 0) return [];
  const last = outputLayer(head);
  const units = last?.units?.value;
  const sigmoidOverClasses = last?.activation?.name === 'sigmoid' && units !== undefined && units > 1;
  const binaryLoss = [train, fineTune].some((stage) =>
    stage?.settings.some((s) => s.kind === 'Loss' && s.name?.name === 'binary_crossentropy') ?? false,
  );
  // One sigmoid unit is two classes, one label each: mixing its target is well defined.
  const multiUnit = units === undefined || units > 1;
  const why = sigmoidOverClasses
    ? `the head's \`sigmoid\` over ${units} classes predicts each class on its own (multi-label)`
    : binaryLoss && multiUnit
      ? '`loss binary_crossentropy` scores each class on its own (multi-label)'
      : undefined;
  if (!why) return [];
  const diagnostics: Diagnostic[] = [];
  for (const mix of mixes) diagnostics.push(at(messages.mixWithoutSingleLabel(mix.kind === 'Mixup' ? 'mixup' : 'cutmix', why), mix.span));
  return diagnostics;
};
