// Diagnostics as JSON for tools: `{code, severity, message, file, range, help}` with 1-based
// lines and columns (`range.end` is the position just after the span).
import { lineColumnIn, lineStarts } from './position';
import type { Diagnostic } from './types';

export interface JsonPosition {
  line: number;
  column: number;
}

export interface JsonDiagnostic {
  code: string;
  severity: Diagnostic['severity'];
  message: string;
  file: string;
  range: { start: JsonPosition; end: JsonPosition };
  help: string | null;
  notes?: string[];
}

export function toJson(diagnostics: readonly Diagnostic[], source: string, file: string): JsonDiagnostic[] {
  const starts = lineStarts(source);
  const position = (offset: number): JsonPosition => {
    const { line, column } = lineColumnIn(starts, Math.min(offset, source.length));
    return { line: line + 1, column: column + 1 };
  };
  return diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    file,
    range: { start: position(d.span.start), end: position(d.span.end) },
    help: d.help ?? null,
    ...(d.notes ? { notes: d.notes } : {}),
  }));
}

/** The JSON text `tlc check --format json` prints for one file's diagnostics. */
export function renderJson(diagnostics: readonly Diagnostic[], source: string, file: string): string {
  return JSON.stringify(toJson(diagnostics, source, file), null, 2);
}
