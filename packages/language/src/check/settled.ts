// The program as the value rules read it: without the statements and settings a syntax error
// abandoned (`recovered`). Such a node keeps only what came before the mistake, so a rule reading
// it would judge a half-written setting (`reduce lr on platau` as a plateau with the default
// patience) and add diagnostics to the one the mistake already has, as rustc and TypeScript
// avoid. The rules about a statement's or setting's presence (missing, duplicate) still read the
// whole program: a half-written `head` is there, and "`head` is required" would be wrong.
import type { Program, Statement } from '../ast/nodes';

type AnyObject = Record<string, unknown>;

function isNode(value: unknown): value is AnyObject & { kind: string } {
  return typeof value === 'object' && value !== null && typeof (value as AnyObject).kind === 'string';
}

/** The kinds of the recovered settings left out of each settled copy. */
const lostKinds = new WeakMap<object, Set<string>>();

/**
 * Whether the statement's block may have meant a setting of this kind that a syntax error took
 * away: one of that kind was abandoned, or a setting was not understood at all (`incomplete`).
 * A rule that would read the kind's default (or inherit it) says nothing then.
 */
export function mayHaveMeant(node: { incomplete?: true } | undefined, kind: string): boolean {
  return node !== undefined && (node.incomplete === true || lostKinds.get(node)?.has(kind) === true);
}

/** The node, or a copy whose lists (settings, layers, class weight entries) leave out recovered nodes. */
function settle<N extends object>(node: N): N {
  let copy: AnyObject | undefined;
  for (const [key, value] of Object.entries(node)) {
    if (!Array.isArray(value) || !value.some(isNode)) continue;
    const kept = value.filter((item) => !(isNode(item) && item.recovered)).map((item) => (isNode(item) ? settle(item) : item));
    if (kept.length === value.length && kept.every((item, i) => item === value[i])) continue;
    copy ??= { ...(node as AnyObject) };
    copy[key] = kept;
    const lost = lostKinds.get(copy) ?? new Set<string>();
    for (const item of value) if (isNode(item) && item.recovered) lost.add(item.kind);
    lostKinds.set(copy, lost);
  }
  return (copy ?? node) as N;
}

/** The program itself when no syntax error abandoned anything in it. */
export function settledProgram(program: Program): Program {
  const statements = program.statements.filter((s) => !s.recovered).map((s): Statement => settle(s));
  if (statements.length === program.statements.length && statements.every((s, i) => s === program.statements[i])) return program;
  return { ...program, statements };
}
