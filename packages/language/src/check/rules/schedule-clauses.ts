// TL2031: a clause the schedule does not take (`schedule cosine max lr 1e-2`): it would change
// nothing, so it is an error rather than silently dropped.
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { SCHEDULE_CLAUSES } from '../../syntax/tokens';
import type { Rule } from './types';

type ScheduleName = keyof typeof SCHEDULE_CLAUSES;

export const scheduleClausesRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  for (const statement of program.statements) {
    if (statement.kind !== 'Stage') continue;
    for (const s of statement.settings) {
      if (s.kind !== 'Schedule' || !s.type || !(s.type.name in SCHEDULE_CLAUSES)) continue;
      const schedule = s.type.name as ScheduleName;
      const accepted: readonly string[] = SCHEDULE_CLAUSES[schedule];
      const written: { word: string; span: { start: number; end: number } | undefined }[] = [
        { word: 'warmup', span: s.clauses?.warmup?.span },
        { word: 'max lr', span: s.clauses?.maxLr?.span },
        { word: 'every', span: s.every && { start: s.every.span.start, end: s.every.span.end } },
        { word: 'times', span: s.times?.span },
      ];
      for (const { word, span } of written) {
        if (!span || accepted.includes(word)) continue;
        const owners = (Object.keys(SCHEDULE_CLAUSES) as ScheduleName[]).filter((name) => (SCHEDULE_CLAUSES[name] as readonly string[]).includes(word));
        diagnostics.push(at(messages.scheduleClause(schedule, word, accepted, owners), span));
      }
    }
  }
  return diagnostics;
};
