// Picking statements and settings out of a checked program by kind. The checker has already
// reported duplicates, so the first one found is the one that counts.
import type { Program, Statement } from '../ast/nodes';

export function statementOf<K extends Statement['kind']>(program: Program, kind: K): Extract<Statement, { kind: K }> | undefined {
  return program.statements.find((s): s is Extract<Statement, { kind: K }> => s.kind === kind);
}

export function settingOf<S extends { kind: string }, K extends S['kind']>(settings: readonly S[], kind: K): Extract<S, { kind: K }> | undefined {
  return settings.find((s): s is Extract<S, { kind: K }> => s.kind === kind);
}

/** A `batch` setting's value: its number, `'auto'` for `batch auto`, undefined when absent. */
export function batchSizeOf(setting: { size?: { value: number }; auto?: { name: string } } | undefined): number | 'auto' | undefined {
  if (setting?.auto) return 'auto';
  return setting?.size?.value;
}
