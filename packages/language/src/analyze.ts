// `analyze`: parse, then check, with every diagnostic in source order. When the source has
// syntax errors, "missing `use`/`head`" is left out: the statement is most likely the one that
// did not parse, and the syntax error already says so.
import type { Program } from './ast/nodes';
import { check, type CheckOptions } from './check/index';
import type { Diagnostic } from './diagnostics/types';
import { parse } from './syntax/index';

const CASCADING: ReadonlySet<string> = new Set(['TL2002', 'TL2003']);

export interface AnalyzeResult {
  program: Program;
  diagnostics: Diagnostic[];
}

export function analyze(source: string, options: CheckOptions = {}): AnalyzeResult {
  const parsed = parse(source);
  const syntaxErrors = parsed.diagnostics.some((d) => d.severity === 'error');
  const meaning = check(parsed.program, options).filter((d) => !(syntaxErrors && CASCADING.has(d.code)));
  const diagnostics = [...parsed.diagnostics, ...meaning].sort((a, b) => a.span.start - b.span.start);
  return { program: parsed.program, diagnostics };
}
