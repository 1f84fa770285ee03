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
// the caller asks; the CLI decides from the terminal and NO_COLOR. Hostile input stays readable
// and bounded: at most `limit` diagnostics are shown (a last line counts the rest), a source
// line longer than EXCERPT_WIDTH is cut to a window around the span (`…` where it was cut), and
// a message, note, help or label is cut at MESSAGE_WIDTH characters.
import type { Span } from '../ast/nodes';
import { lineColumnIn, lineStarts, lineText } from './position';
import type { Diagnostic, Severity } from './types';

export interface PrettyOptions {
  color: boolean;
  /** The most diagnostics shown (default DIAGNOSTICS_SHOWN); a last line counts the others. */
  limit?: number;
}

/** Diagnostics shown at most by default: more is a wall nobody reads, and a file that has them needs its first ones fixed. */
export const DIAGNOSTICS_SHOWN = 50;
/** Source lines longer than this (in columns) are shown as a window around the span. */
const EXCERPT_WIDTH = 120;
/** Columns kept before the span in a cut line. */
const EXCERPT_LEAD = 40;
/** Messages, notes, help and labels are cut at this many characters (they may quote a huge word). */
const MESSAGE_WIDTH = 400;

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

/** Text cut to MESSAGE_WIDTH characters, saying how much was left out. */
function bounded(text: string): string {
  if (text.length <= MESSAGE_WIDTH) return text;
  return `${text.slice(0, MESSAGE_WIDTH)}… (${(text.length - MESSAGE_WIDTH).toLocaleString('en-US')} more characters)`;
}

/**
 * The part of a line an excerpt shows, and where the span's columns fall in it: the whole line
 * when it is short, else a window of EXCERPT_WIDTH columns from a little before the span, with
 * `…` where the line was cut.
 */
function excerpt(text: string, start: number, end: number): { text: string; start: number; end: number } {
  if (text.length <= EXCERPT_WIDTH) return { text, start, end };
  const from = Math.max(0, Math.min(start - EXCERPT_LEAD, text.length - EXCERPT_WIDTH));
  const to = Math.min(text.length, from + EXCERPT_WIDTH);
  const lead = from > 0 ? '…' : '';
  const window = `${lead}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
  return { text: window, start: start - from + lead.length, end: Math.min(end, to) - from + lead.length };
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

export function renderPretty(
  diagnostics: readonly Diagnostic[],
  source: string,
  file: string,
  options: PrettyOptions = { color: false },
): string {
  const starts = lineStarts(source);
  const paint = painter(options.color);
  const shown = diagnostics.slice(0, Math.max(0, options.limit ?? DIAGNOSTICS_SHOWN));
  let lastLine = 0;
  for (const d of shown) {
    for (const span of [d.span, ...(d.labels ?? []).map((l) => l.span)]) {
      lastLine = Math.max(lastLine, lineColumnIn(starts, Math.min(span.start, source.length)).line);
    }
  }
  const gutter = String(lastLine + 1).length + 1;
  const bar = paint('blue', `${' '.repeat(gutter)}|`, true);

  /** The source line of a span with `^^^` (or `---` for labels) under it. */
  const snippet = (span: Span, mark: string, style: keyof typeof ANSI, label?: string): string[] => {
    const start = lineColumnIn(starts, Math.min(span.start, source.length));
    const line = lineText(source, starts, start.line);
    const endOnLine = lineColumnIn(starts, Math.min(span.end, source.length));
    const cut = excerpt(line, start.column, endOnLine.line === start.line ? endOnLine.column : line.length);
    const text = cut.text;
    const pad = displayWidth(text.slice(0, cut.start));
    const width = Math.max(1, displayWidth(text.slice(cut.start, Math.max(cut.start, cut.end))));
    const number = paint('blue', String(start.line + 1).padEnd(gutter) + '|', true);
    const underline = paint(style, mark.repeat(width) + (label ? ` ${bounded(label)}` : ''), true);
    return [`${number}${text.length ? ' ' + text.replace(/\t/g, '    ') : ''}`, `${bar} ${' '.repeat(pad)}${underline}`];
  };

  const rendered = shown.map((d) => {
    const style = SEVERITY_STYLE[d.severity];
    const where = lineColumnIn(starts, Math.min(d.span.start, source.length));
    const lines = [
      `${paint(style, `${d.severity}[${d.code}]`, true)}${paint('bold', `: ${bounded(d.message)}`, options.color)}`,
      `${' '.repeat(gutter)}${paint('blue', '-->', true)} ${file}:${where.line + 1}:${where.column + 1}`,
      bar,
      ...snippet(d.span, '^', style),
    ];
    for (const label of d.labels ?? []) {
      lines.push(bar, ...snippet(label.span, '-', 'blue', label.message));
    }
    for (const note of d.notes ?? []) lines.push(`${' '.repeat(gutter)}${paint('blue', '=', true)} note: ${bounded(note)}`);
    if (d.help !== undefined) lines.push(`${' '.repeat(gutter)}${paint('blue', '=', true)} help: ${bounded(d.help)}`);
    return `${lines.join('\n')}\n`;
  });
  const hidden = diagnostics.slice(shown.length);
  if (hidden.length > 0) rendered.push(`… and ${plural(hidden.length, 'more diagnostic')} not shown (${summarize(hidden)}); fix the first ones and check again\n`);
  return rendered.join('\n');
}

/** `2 errors, 1 warning` (empty when there is nothing to report). */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Severity, noun: string): string | undefined => {
    const n = diagnostics.filter((d) => d.severity === severity).length;
    return n === 0 ? undefined : `${n} ${noun}${n === 1 ? '' : 's'}`;
  };
  return [count('error', 'error'), count('warning', 'warning'), count('info', 'note')].filter(Boolean).join(', ');
}
