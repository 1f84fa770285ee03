// The checker's diagnostics as LSP diagnostics: 0-based ranges, the code, and the `help:` text as
// related information pointing at the same place.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { compile, type Diagnostic } from '@tlc/language';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toLspDiagnostic(document: TextDocument, d: Diagnostic): LspDiagnostic {
  const range = { start: document.positionAt(d.span.start), end: document.positionAt(d.span.end) };
  const related = [
    ...(d.labels ?? []).map((l) => ({
      location: { uri: document.uri, range: { start: document.positionAt(l.span.start), end: document.positionAt(l.span.end) } },
      message: l.message,
    })),
    ...(d.help ? [{ location: { uri: document.uri, range }, message: `help: ${d.help}` }] : []),
  ];
  return {
    range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'tlc',
    message: [d.message, ...(d.notes ?? []).map((n) => `note: ${n}`)].join('\n'),
    ...(related.length > 0 ? { relatedInformation: related } : {}),
  };
}

export function diagnose(document: TextDocument): LspDiagnostic[] {
  // compile, not just analyze, so the editor shows what `tlc check` shows (TL3xxx included).
  return compile(document.getText()).diagnostics.map((d) => toLspDiagnostic(document, d));
}
