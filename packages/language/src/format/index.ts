// `format`: source -> canonical text (`tlc fmt`). Only a source without syntax errors is
// formatted (text is null otherwise); comments stay where they were; formatting twice gives
// the same text, and the output parses to the same program. A byte-order mark and CRLF line ends
// are kept.
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
  const text = layout(printer.lines, program.comments, source);
  // The file's own conventions survive: a byte-order mark, and `\r\n` line ends when the first
  // line ends so (as prettier's `endOfLine: auto`).
  const bom = source.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  const crlf = /\r\n|\r|\n/.exec(source)?.[0] === '\r\n';
  return { text: bom + (crlf ? text.replace(/\n/g, '\r\n') : text), diagnostics };
}
