// The checker's diagnostics as LSP diagnostics: 0-based ranges, the code, and the `help:` text as
// related information pointing at the same place. At most DIAGNOSTICS_PUBLISHED go to the editor
// (a file of garbage has hundreds of thousands); the last one then says how many more there are.
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, nodeFiles, type Diagnostic, type FileSystemView } from '@tlc/language';

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

/** More than this and the editor gets the first ones and a count of the rest. */
export const DIAGNOSTICS_PUBLISHED = 500;
/** Messages are cut at this many characters (one may quote a megabyte-long word). */
const MESSAGE_WIDTH = 400;

function bounded(text: string): string {
  return text.length <= MESSAGE_WIDTH ? text : `${text.slice(0, MESSAGE_WIDTH)}… (${text.length - MESSAGE_WIDTH} more characters)`;
}

/**
 * The file system seen from a document's folder, for the path rules (TL2028, TL2029): only for a
 * document saved on disk (`file:` URI); an unsaved buffer has no folder to resolve paths against.
 */
export function filesOf(uri: string): FileSystemView | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return nodeFiles(dirname(fileURLToPath(uri)));
  } catch {
    return undefined;
  }
}

export function diagnose(document: TextDocument): LspDiagnostic[] {
  // compile, not just analyze, so the editor shows what `tlc check` shows (TL3xxx included).
  const files = filesOf(document.uri);
  const all = compile(document.getText(), files ? { files } : {}).diagnostics;
  const shown = all.length > DIAGNOSTICS_PUBLISHED ? all.slice(0, DIAGNOSTICS_PUBLISHED - 1) : all;
  const published = shown.map((d) => {
    const lsp = toLspDiagnostic(document, d);
    return { ...lsp, message: bounded(lsp.message) };
  });
  if (shown.length < all.length) {
    const first = document.positionAt(all[shown.length].span.start);
    const rest = all.length - shown.length;
    published.push({
      range: { start: first, end: first },
      severity: DiagnosticSeverity.Information,
      source: 'tlc',
      message: `${rest} more problems from here on are not shown; fix the first ones (\`tlc check\` counts them all)`,
    });
  }
  return published;
}
