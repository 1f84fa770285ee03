// TL2044: `shift F` (both axes) together with `shift width F` or `shift height F`: two values for
// one axis. Keras's width_shift_range and height_shift_range are separate settings; tlc's `shift`
// sets both, `shift width` / `shift height` one each.
import type { ShiftSetting } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const shiftAxesRule: Rule = ({ augment }) => {
  const shifts = augment?.settings.filter((s): s is ShiftSetting => s.kind === 'Shift') ?? [];
  const both = shifts.find((s) => !s.axis);
  if (!both) return [];
  return shifts
    .filter((s) => s.axis && (s.axis.name === 'width' || s.axis.name === 'height'))
    .map((s) => at(messages.shiftBothAndOne(s.axis!.name), s.span, [{ span: both.span, message: 'both axes shifted here' }]));
};
