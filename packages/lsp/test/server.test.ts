// End to end: start `tlc lsp --stdio` as a child process and speak LSP to it over JSON-RPC.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const tlc = fileURLToPath(new URL('../../cli/bin/tlc.mjs', import.meta.url));
const uri = 'file:///work/example.tl';

interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { code: string; severity: number; message: string; range: { start: { line: number; character: number } }; relatedInformation?: { message: string }[] }[];
}

let child: ChildProcessWithoutNullStreams;
let connection: MessageConnection;
const published: PublishedDiagnostics[] = [];
let waiters: ((p: PublishedDiagnostics) => void)[] = [];

function nextDiagnostics(): Promise<PublishedDiagnostics> {
  return new Promise((resolve) => waiters.push(resolve));
}

beforeAll(async () => {
  child = spawn(process.execPath, [tlc, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
    published.push(p);
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve(p);
  });
  connection.listen();
  const result = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as {
    capabilities: Record<string, unknown>;
  };
  expect(result.capabilities.hoverProvider).toBe(true);
  expect(result.capabilities.documentFormattingProvider).toBe(true);
  await connection.sendNotification('initialized', {});
});

afterAll(() => {
  connection?.dispose();
  child?.kill();
});

describe('tlc lsp --stdio', () => {
  const broken = 'use ResNet50v2 weights imagenet\nhead dense 256 -> 2\n';

  it('publishes diagnostics with codes, 0-based ranges and help as related information', async () => {
    const diagnostics = nextDiagnostics();
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'tl', version: 1, text: broken },
    });
    const p = await diagnostics;
    expect(p.uri).toBe(uri);
    const unknown = p.diagnostics.find((d) => d.message.includes('ResNet50v2'));
    expect(unknown, JSON.stringify(p.diagnostics)).toBeDefined();
    expect(unknown!.code).toMatch(/^TL2\d{3}$/);
    expect(unknown!.severity).toBe(1);
    expect(unknown!.range.start).toEqual({ line: 0, character: 4 });
    expect(unknown!.relatedInformation?.some((r) => r.message.includes('ResNet50V2'))).toBe(true);
  });

  it('completes model names after `use `', async () => {
    const items = (await connection.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 0, character: 4 },
    })) as { label: string }[];
    const labels = items.map((i) => i.label);
    expect(labels).toContain('ResNet50V2');
    expect(labels).toContain('MobileNetV2');
  });

  it('hovers a keyword with its meaning', async () => {
    const result = (await connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 1 },
    })) as { contents: { value: string } } | null;
    expect(result?.contents.value).toMatch(/head/);
  });

  it('clears the diagnostics when the document is fixed, then hovers the model and formats', async () => {
    const fixed = 'use  ResNet50V2 weights imagenet   freeze until block4;head dense 256 -> 2; preprocess native\n';
    const diagnostics = nextDiagnostics();
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const p = await diagnostics;
    expect(p.diagnostics.filter((d) => d.severity === 1)).toEqual([]);

    const hover = (await connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 0, character: 8 },
    })) as { contents: { value: string } } | null;
    expect(hover?.contents.value).toContain('ResNet50V2');
    expect(hover?.contents.value).toContain('conv4_block6_out');

    const blocks = (await connection.sendRequest('textDocument/completion', {
      textDocument: { uri },
      position: { line: 0, character: fixed.indexOf('block4') },
    })) as { label: string }[];
    expect(blocks.map((b) => b.label)).toContain('block4');

    const edits = (await connection.sendRequest('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    })) as { newText: string }[];
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).not.toBe(fixed);
    expect(edits[0].newText).toContain('use ResNet50V2');
  });

  it('completes and hovers the training statements in their blocks, and reports their misuse with codes', async () => {
    const stages = 'file:///work/stages.tl';
    const text = 'use MobileNet alpha 0.25 weights imagenet freeze all\nhead dense 2\ntrain {\n  \n  schedule \n  batch norm train\n  reduce lr on plateau \n}\n';
    const diagnostics = nextDiagnostics();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: stages, languageId: 'tl', version: 1, text } });
    const published = await diagnostics;
    // The unfinished `schedule` is a syntax error; the checker still speaks about the rest, but
    // not about the half-written schedule (no TL2034 "schedule with plateau").
    expect(published.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['TL1007', 4], ['TL2052', 5], ['TL2051', 6]]);
    const complete = async (line: number, character: number) =>
      ((await connection.sendRequest('textDocument/completion', { textDocument: { uri: stages }, position: { line, character } })) as { label: string }[]).map((i) => i.label);
    const lineStart = await complete(3, 2);
    expect(lineStart).toEqual(expect.arrayContaining(['schedule', 'reduce lr on plateau', 'label smoothing', 'early stop']));
    expect(lineStart).not.toContain('unfreeze');
    expect(lineStart).not.toContain('rotate');
    expect(await complete(4, 11)).toEqual(['cosine', 'one cycle', 'step']);
    expect(await complete(6, 23)).toEqual(['factor', 'patience', 'on']);
    const hoverAt = async (line: number, character: number) =>
      ((await connection.sendRequest('textDocument/hover', { textDocument: { uri: stages }, position: { line, character } })) as { contents: { value: string } } | null)?.contents.value;
    expect(await hoverAt(5, 14)).toMatch(/^`batch norm train`/);
    expect(await hoverAt(6, 17)).toMatch(/ReduceLROnPlateau/);
  });

  it('reports a missing data folder relative to a saved document, and nothing for an unsaved one', async () => {
    /** The next diagnostics published for `target` (opening a document may publish twice). */
    const diagnosticsFor = async (target: string): Promise<PublishedDiagnostics> => {
      for (;;) {
        const p = await nextDiagnostics();
        if (p.uri === target) return p;
      }
    };
    const folder = mkdtempSync(join(tmpdir(), 'tlc-lsp-'));
    mkdirSync(join(folder, 'present'));
    const text = 'data "missing"\nuse VGG16 weights imagenet freeze all\npreprocess native\nhead dense 2\nevaluate "present"\n';
    const saved = pathToFileURL(join(folder, 'pets.tl')).href;
    let diagnostics = diagnosticsFor(saved);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: saved, languageId: 'tl', version: 1, text } });
    expect((await diagnostics).diagnostics.map((d) => [d.code, d.range.start])).toEqual([['TL2028', { line: 0, character: 5 }]]);
    diagnostics = diagnosticsFor('untitled:Untitled-1');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'tl', version: 1, text } });
    expect((await diagnostics).diagnostics).toEqual([]);
  });

  it('labels … separator: the diagnostic with its did-you-mean, completion of the clause, hover, and formatting', async () => {
    const target = 'file:///work/tags.tl';
    const text = 'data "photos" {\n  labels "tags.csv"   separator "semicolon"\n}\nuse MobileNetV2 alpha 0.35 weights imagenet freeze all\nhead {\n  pool avg\n  dense 4 sigmoid\n}\n';
    let diagnostics: Promise<PublishedDiagnostics>;
    const forTarget = async (): Promise<PublishedDiagnostics> => {
      for (;;) {
        const p = await nextDiagnostics();
        if (p.uri === target) return p;
      }
    };
    diagnostics = forTarget();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: target, languageId: 'tl', version: 1, text } });
    // (The data folder is not there either: TL2028, which this test does not look at.)
    const warning = (await diagnostics).diagnostics.find((d) => d.code === 'TL2069');
    expect(warning).toMatchObject({ code: 'TL2069', severity: 2, range: { start: { line: 1, character: 32 } } });
    expect(warning!.relatedInformation?.some((r) => r.message.includes('did you mean `separator ";"`?'))).toBe(true);

    const line = '  labels "tags.csv" ';
    diagnostics = forTarget();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: target, version: 2 }, contentChanges: [{ text: text.replace('  labels "tags.csv"   separator "semicolon"', line) }] });
    await diagnostics;
    const items = (await connection.sendRequest('textDocument/completion', { textDocument: { uri: target }, position: { line: 1, character: line.length } })) as { label: string }[];
    expect(items.map((i) => i.label)).toEqual(['columns', 'separator']);

    diagnostics = forTarget();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: target, version: 3 }, contentChanges: [{ text }] });
    await diagnostics;
    const hover = (await connection.sendRequest('textDocument/hover', { textDocument: { uri: target }, position: { line: 1, character: 24 } })) as { contents: { value: string } } | null;
    expect(hover?.contents.value).toContain('label_delim');
    const edits = (await connection.sendRequest('textDocument/formatting', { textDocument: { uri: target }, options: { tabSize: 2, insertSpaces: true } })) as { newText: string }[];
    expect(edits[0]!.newText).toContain('  labels "tags.csv" separator "semicolon"\n');
  });

  it('shuts down and exits cleanly', async () => {
    await connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await connection.sendNotification('exit');
    expect(await exited).toBe(0);
  });
});
