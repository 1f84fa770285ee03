// `format`: source -> canonical text (`tlc fmt`). Only a source without syntax errors is
// formatted (text is null otherwise); comments stay where they were; formatting twice gives
// the same text, and the output parses to the same program.
import type { Diagnostic } from '../diagnostics/types';
import { parse } from '../syntax/index';
import { layout } from './layout';
import { Printer } from './printer';

export interface FormatResult {
  text: string | null;
  /** The syntax diagnostics (formatting needs none with severity error). */
  diagnostics: Diagnostic[];
}

export function format(source: string): FormatResult {
  const { program, diagnostics } = parse(source);
  if (diagnostics.some((d) => d.severity === 'error')) return { text: null, diagnostics };
  const printer = new Printer(program.comments.map((c) => c.span.start));
  for (const statement of program.statements) printer.statement(statement);
  return { text: layout(printer.lines, program.comments, source), diagnostics };
}
