// The extension packages into a .vsix whose manifest points at files that are inside it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The entries of a zip archive (central directory), with their contents. */
function readZip(buffer: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip archive');
  const count = buffer.readUInt16LE(end + 10);
  let p = buffer.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(p + 10);
    const compressed = buffer.readUInt32LE(p + 20);
    const nameLength = buffer.readUInt16LE(p + 28);
    const extraLength = buffer.readUInt16LE(p + 30);
    const commentLength = buffer.readUInt16LE(p + 32);
    const local = buffer.readUInt32LE(p + 42);
    const name = buffer.toString('utf8', p + 46, p + 46 + nameLength);
    const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(dataStart, dataStart + compressed);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

let files: Map<string, Buffer>;

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  files = readZip(readFileSync(`${root}/dist/tlc.vsix`));
}, 180_000);

describe('tlc.vsix', () => {
  it('has a manifest whose main, grammar and language configuration are packaged', () => {
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    const at = (p: string) => `extension/${p.replace(/^\.\//, '')}`;
    expect(files.has(at(manifest.main))).toBe(true);
    for (const g of manifest.contributes.grammars) expect(files.has(at(g.path)), g.path).toBe(true);
    for (const l of manifest.contributes.languages) expect(files.has(at(l.configuration)), l.configuration).toBe(true);
    expect(manifest.contributes.languages[0].extensions).toEqual(['.tl']);
  });

  it('packages the grammar the repository has and the bundled server with the catalog layer lists', () => {
    const grammar = JSON.parse(files.get('extension/grammar/tl.tmLanguage.json')!.toString('utf8'));
    expect(grammar).toEqual(JSON.parse(readFileSync(`${root}/../../grammar/tl.tmLanguage.json`, 'utf8')));
    expect(files.has('extension/dist/server.mjs')).toBe(true);
    expect(files.has('extension/dist/layers/ResNet50V2.json')).toBe(true);
  });

  it('bundles a server that answers initialize', async () => {
    const { spawn } = await import('node:child_process');
    const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-jsonrpc/node');
    const child = spawn(process.execPath, [`${root}/dist/server.mjs`, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    const result = (await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as {
      capabilities: { hoverProvider?: boolean };
    };
    expect(result.capabilities.hoverProvider).toBe(true);
    connection.dispose();
    child.kill();
  });
});
