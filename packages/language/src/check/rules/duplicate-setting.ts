// TL2005: a setting given twice in one block (`epochs` twice in `train`), and a class named
// twice in `class weights { }`. Head layers may repeat: they are a sequence.
import type { Span } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import type { Rule } from './types';

/** The word each setting kind starts with, as the user writes it. */
const WORD: Record<string, string> = {
  Image: 'image',
  Resize: 'resize',
  Validation: 'validation',
  Batch: 'batch',
  OnBadImage: 'on bad image',
  Shuffle: 'shuffle',
  Labels: 'labels',
  Rotate: 'rotate',
  Zoom: 'zoom',
  Shear: 'shear',
  Shift: 'shift',
  ChannelShift: 'channel shift',
  Fill: 'fill',
  Mixup: 'mixup',
  Cutmix: 'cutmix',
  RandomCrop: 'random crop',
  Flip: 'flip',
  Brightness: 'brightness',
  AugmentSeed: 'seed',
  Epochs: 'epochs',
  Optimizer: 'optimizer',
  LearningRate: 'lr',
  Loss: 'loss',
  LabelSmoothing: 'label smoothing',
  Precision: 'precision',
  EarlyStop: 'early stop',
  ClassWeights: 'class weights',
  Unfreeze: 'unfreeze',
  StageBatch: 'batch',
  Schedule: 'schedule',
  Plateau: 'reduce lr on plateau',
  LayerLearningRate: 'lr',
  BatchNormMode: 'batch norm',
};

function duplicates(
  items: readonly { key: string; word: string; span: Span }[],
  block: string,
): Diagnostic[] {
  const seen = new Map<string, Span>();
  const diagnostics: Diagnostic[] = [];
  for (const item of items) {
    const first = seen.get(item.key);
    if (first) {
      diagnostics.push(at(messages.duplicateSetting(item.word, block), item.span, [{ span: first, message: 'first given here' }]));
    } else {
      seen.set(item.key, item.span);
    }
  }
  return diagnostics;
}

const keyword = (setting: { kind: string; span: Span; axis?: { name: string } }) => ({
  // `shift width` and `shift height` are separate settings (Keras's two shift ranges).
  // `lr X for A..B` may repeat: one rate per range (their overlaps are TL2037's).
  key: setting.axis ? `${setting.kind} ${setting.axis.name}` : setting.kind === 'LayerLearningRate' ? `${setting.kind} ${setting.span.start}` : setting.kind,
  word: WORD[setting.kind] ?? setting.kind,
  span: { start: setting.span.start, end: setting.span.start + (WORD[setting.kind] ?? '').length },
});

export const duplicateSettingRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  // Not push(...list): a block of a hundred thousand repeated settings overflows the call stack.
  const add = (list: Diagnostic[]) => list.forEach((d) => diagnostics.push(d));
  for (const statement of program.statements) {
    if (statement.kind === 'Data') add(duplicates(statement.settings.map(keyword), 'data'));
    if (statement.kind === 'Augment') add(duplicates(statement.settings.map(keyword), 'augment'));
    if (statement.kind !== 'Stage') continue;
    const block = statement.stage === 'train' ? 'train' : 'fine tune';
    add(duplicates(statement.settings.map(keyword), block));
    for (const setting of statement.settings) {
      if (setting.kind !== 'ClassWeights') continue;
      const names = setting.entries.flatMap((entry) =>
        entry.className
          ? [{
              key: entry.className.kind === 'Identifier' ? entry.className.name : entry.className.value,
              word: entry.className.kind === 'Identifier' ? entry.className.name : entry.className.value,
              span: entry.className.span,
            }]
          : [],
      );
      add(duplicates(names, 'class weights'));
    }
  }
  return diagnostics;
};
