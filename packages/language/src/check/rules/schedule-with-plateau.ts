// TL2034: `schedule …` and `reduce lr on plateau` in one stage: both would set the learning rate.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import type { Rule } from './types';

export const scheduleWithPlateauRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    if (statement.kind !== 'Stage') continue;
    const schedule = statement.settings.find((s) => s.kind === 'Schedule');
    const plateau = statement.settings.find((s) => s.kind === 'Plateau');
    if (schedule && plateau) {
      const [first, second] = schedule.span.start < plateau.span.start ? [schedule, plateau] : [plateau, schedule];
      diagnostics.push(at(messages.scheduleWithPlateau(), second.span, [{ span: first.span, message: 'the other one' }]));
    }
  }
  return diagnostics;
};
