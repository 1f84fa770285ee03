// The tlc language server: diagnostics as you type, completion, hover and formatting, all on the
// same checker and formatter the command line uses. Started by `tlc lsp --stdio`.
import {
  createConnection,
  MarkupKind,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { format } from '@tlc/language';
import { complete } from './completion';
import { diagnose } from './diagnostics';
import { hover } from './hover';

export function startServer(
  connection: Connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)),
): Connection {
  const documents = new TextDocuments(TextDocument);

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [' '] },
      hoverProvider: true,
      documentFormattingProvider: true,
    },
    serverInfo: { name: 'tlc', version: '0.1.0' },
  }));

  const publish = (document: TextDocument) =>
    connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: diagnose(document) });
  documents.onDidOpen((e) => publish(e.document));
  documents.onDidChangeContent((e) => publish(e.document));
  documents.onDidClose((e) => connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));

  connection.onCompletion(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    return document ? complete(document.getText(), document.offsetAt(position)) : [];
  });

  connection.onHover(({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return null;
    const found = hover(document.getText(), document.offsetAt(position));
    if (!found) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: found.markdown },
      range: { start: document.positionAt(found.start), end: document.positionAt(found.end) },
    };
  });

  connection.onDocumentFormatting(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const text = document.getText();
    const formatted = format(text).text;
    if (formatted === null || formatted === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: formatted }];
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
