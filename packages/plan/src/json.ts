// A plan as text: the one format `tlc compile` prints and writes and the golden files pin
// (two-space indentation, a trailing newline), so a plan diffs the same wherever it comes from.
import type { Plan } from './types';

export function planToJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
