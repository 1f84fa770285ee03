// TL2020: `unfreeze from B` in `fine tune` where B starts after stage 1's `freeze until F`:
// everything from B on already trained in stage 1, so stage 2 would change nothing.
// `unfreeze from B` trains B and everything after it, so B = F (unfreeze the last frozen
// block) and any earlier point are fine.
import { at, messages } from '../../diagnostics/catalog';
import { comparePositions, pointPosition, pointText } from '../context';
import type { Rule } from './types';

export const unfreezeNothingRule: Rule = (context) => {
  const freeze = context.use?.freeze;
  if (freeze?.mode !== 'until' || !freeze.until || !context.fineTune) return [];
  const frozenEnd = pointPosition(context, freeze.until, 'end');
  return context.fineTune.settings.flatMap((setting) => {
    if (setting.kind !== 'Unfreeze' || !setting.from) return [];
    const order = comparePositions(pointPosition(context, setting.from, 'start'), frozenEnd);
    if (order === undefined || order <= 0) return [];
    // `freeze until layer N` ends at layer N − 1, the last frozen layer: name that one.
    const until = freeze.until!;
    const last = until.kind === 'LayerIndex' && until.index ? `layer ${until.index.value - 1}` : pointText(until);
    return [at(messages.unfreezeNothing(pointText(setting.from), last), setting.from.span)];
  });
};
