// TL2050: `evaluate … tta flips` averages each image with its left-right mirror image, while the
// augmentation flips only vertically (upside down). A pipeline that flips one way but not the
// other usually does so because the other way changes the image's meaning (text, arrows, left
// and right hands), and the model has never seen a left-right mirror image: averaging over one
// can cost accuracy. A warning: it runs, and evaluation.json shows the accuracy both ways.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import type { FlipSetting } from '../../ast/nodes';
import type { Rule } from './types';

export const ttaFlipsUnseenRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  const flip = context.augment?.settings.find((s): s is FlipSetting => s.kind === 'Flip');
  const directions = new Set(flip?.directions.map((d) => d.name) ?? []);
  if (!directions.has('vertical') || directions.has('horizontal')) return diagnostics;
  for (const statement of context.program.statements) {
    if (statement.kind === 'Evaluate' && statement.tta?.name === 'flips') diagnostics.push(at(messages.ttaFlipsUnseen(), statement.tta.span));
  }
  return diagnostics;
};
