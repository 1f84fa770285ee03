// Diagnostics for people, rustc-style:
//
//   error[TL2001]: unknown model `ResNet50v2`
//     --> cats.tl:3:5
//     |
//   3 | use ResNet50v2 weights imagenet
//     |     ^^^^^^^^^^
//     = note: model names are case-sensitive Keras names
//     = help: did you mean `ResNet50V2`?
//
// Each diagnostic ends with a newline, with a blank line between two. Colour (ANSI) only when
// the caller asks; the CLI decides from the terminal and NO_COLOR.
import type { Span } from '../ast/nodes';
import { lineColumnIn, lineStarts, lineText } from './position';
import type { Diagnostic, Severity } from './types';

export interface PrettyOptions {
  color: boolean;
}

const ANSI = { red: 31, yellow: 33, cyan: 36, blue: 34, bold: 1 } as const;

function painter(color: boolean) {
  return (style: keyof typeof ANSI, text: string, bold = false): string =>
    color ? `\x1b[${bold ? '1;' : ''}${ANSI[style]}m${text}\x1b[0m` : text;
}

const SEVERITY_STYLE: Record<Severity, keyof typeof ANSI> = { error: 'red', warning: 'yellow', info: 'cyan' };

/** Width of a line's first `column` characters once tabs are shown as four spaces. */
function displayWidth(text: string): number {
  return text.replace(/\t/g, '    ').length;
}

export function renderPretty(
  diagnostics: readonly Diagnostic[],
  source: string,
  file: string,
  options: PrettyOptions = { color: false },
): string {
  const starts = lineStarts(source);
  const paint = painter(options.color);
  const lastLine = Math.max(0, ...diagnostics.flatMap((d) => [d.span, ...(d.labels ?? []).map((l) => l.span)]).map((s) => lineColumnIn(starts, Math.min(s.start, source.length)).line));
  const gutter = String(lastLine + 1).length + 1;
  const bar = paint('blue', `${' '.repeat(gutter)}|`, true);

  /** The source line of a span with `^^^` (or `---` for labels) under it. */
  const snippet = (span: Span, mark: string, style: keyof typeof ANSI, label?: string): string[] => {
    const start = lineColumnIn(starts, Math.min(span.start, source.length));
    const text = lineText(source, starts, start.line);
    const endOnLine = lineColumnIn(starts, Math.min(span.end, source.length));
    const endColumn = endOnLine.line === start.line ? endOnLine.column : text.length;
    const pad = displayWidth(text.slice(0, start.column));
    const width = Math.max(1, displayWidth(text.slice(start.column, Math.max(start.column, endColumn))));
    const number = paint('blue', String(start.line + 1).padEnd(gutter) + '|', true);
    const underline = paint(style, mark.repeat(width) + (label ? ` ${label}` : ''), true);
    return [`${number}${text.length ? ' ' + text.replace(/\t/g, '    ') : ''}`, `${bar} ${' '.repeat(pad)}${underline}`];
  };

  return diagnostics
    .map((d) => {
      const style = SEVERITY_STYLE[d.severity];
      const where = lineColumnIn(starts, Math.min(d.span.start, source.length));
      const lines = [
        `${paint(style, `${d.severity}[${d.code}]`, true)}${paint('bold', `: ${d.message}`, options.color)}`,
        `${' '.repeat(gutter)}${paint('blue', '-->', true)} ${file}:${where.line + 1}:${where.column + 1}`,
        bar,
        ...snippet(d.span, '^', style),
      ];
      for (const label of d.labels ?? []) {
        lines.push(bar, ...snippet(label.span, '-', 'blue', label.message));
      }
      for (const note of d.notes ?? []) lines.push(`${' '.repeat(gutter)}${paint('blue', '=', true)} note: ${note}`);
      if (d.help !== undefined) lines.push(`${' '.repeat(gutter)}${paint('blue', '=', true)} help: ${d.help}`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** `2 errors, 1 warning` (empty when there is nothing to report). */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Severity, noun: string): string | undefined => {
    const n = diagnostics.filter((d) => d.severity === severity).length;
    return n === 0 ? undefined : `${n} ${noun}${n === 1 ? '' : 's'}`;
  };
  return [count('error', 'error'), count('warning', 'warning'), count('info', 'note')].filter(Boolean).join(', ');
}
