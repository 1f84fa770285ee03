// Fault suite, weights: what the zoo's own tests do not already prove. A download process killed
// with SIGKILL mid-transfer leaves no file under the weights' name, and the next download neither
// trips over nor keeps the dead process's partial file; a server that stalls mid-body is given
// up on with a message and leaves nothing; a cached file cut short or emptied is caught by its
// hash and fetched again; a weights file for the same family at another width (every shape
// different) is reported layer by layer, not a crash, and leaves those layers untouched; and
// `tlc run` given another architecture's weights reports what did not match and goes on.
// Against a real HTTP server on 127.0.0.1 (port 0); nothing leaves the machine.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBackbone, ensureImagenetWeights, formatWeightsReport, loadWeights, saveModelToDir, WeightsError, type WeightsFile } from '@tlc/zoo';
import { COMMANDS } from '../../packages/cli/src/commands/registry';
import { BLUE, RED, writeSolidImage } from '../../packages/runtime/test/data/fixtures';
import { writeModelAsKeras2H5 } from '../../packages/zoo/test/weights/keras-h5-writer';
import { faultCounts } from './counts';

const counts = faultCounts('weights');

const BODY = Buffer.from(Array.from({ length: 2_000_000 }, (_, i) => (i * 131 + 17) % 251));
const SHA256 = createHash('sha256').update(BODY).digest('hex');
const FILE_NAME = 'killed_notop.h5';
const runTs = fileURLToPath(new URL('../../packages/cli/bin/run-ts.mjs', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/download-child.ts', import.meta.url));
const tlc = fileURLToPath(new URL('../../packages/cli/bin/tlc.mjs', import.meta.url));

let server: Server;
let base: string;
/** Responses held open (a stalled transfer), ended when the tests are done. */
const held: ServerResponse[] = [];
/** Bytes the server has handed to the socket for the stalled transfers. */
let stalledBytesSent = 0;
let cache: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/good.h5') {
      res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
    } else if (req.url === '/stall.h5') {
      // Half the body, then nothing: the connection stays open.
      res.writeHead(200, { 'content-length': BODY.length });
      const half = BODY.subarray(0, BODY.length / 2);
      res.write(half, () => (stalledBytesSent += half.length));
      held.push(res);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'tlc-faults-cache-'));
  stalledBytesSent = 0;
  return () => rmSync(cache, { recursive: true, force: true });
});

const weightsFile = (path: string): WeightsFile => ({ url: `${base}${path}`, hash: SHA256, hashAlgorithm: 'sha256', fileName: FILE_NAME });
const cached = () => (existsSync(join(cache, 'weights')) ? readdirSync(join(cache, 'weights')).sort() : []);

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('weights download faults', () => {
  it('a download killed with SIGKILL mid-transfer leaves no file under its name, and the next download leaves no partial file behind', async () => {
    const proc = spawn(process.execPath, [runTs, child, `${base}/stall.h5`, SHA256, cache], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d));
    proc.stderr.on('data', (d: Buffer) => (output += d));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const partial = () => cached().filter((f) => statSync(join(cache, 'weights', f)).size > 0);
    await until(() => stalledBytesSent > 0 && partial().length > 0, `the child to write part of the file (${output})`);
    proc.kill('SIGKILL');
    await exited;
    counts.faultsInjected++;

    expect(cached(), 'nothing under the final name').not.toContain(FILE_NAME);
    for (const leftover of cached()) expect(leftover, 'a leftover is visibly temporary').toMatch(/^\..*\.part$/);

    // A partial file of a download still running (this process stands in for it) must be left alone.
    const running = `.${FILE_NAME}.${process.pid}.0badcafe.part`;
    writeFileSync(join(cache, 'weights', running), 'in progress');
    const path = await ensureImagenetWeights(weightsFile('/good.h5'), { cacheDir: cache, onNotice: () => undefined });
    expect(readFileSync(path).equals(BODY)).toBe(true);
    expect(cached(), 'only the verified file and the running download are left').toEqual([running, FILE_NAME].sort());
    counts.filesChecked += 1;
  });

  it('a server that stalls mid-body is given up on with a message, and nothing is left in the cache', async () => {
    const error = await ensureImagenetWeights(weightsFile('/stall.h5'), { cacheDir: cache, idleTimeoutMs: 300, onNotice: () => undefined }).catch((e: unknown) => e);
    counts.faultsInjected++;
    expect(error).toBeInstanceOf(WeightsError);
    expect((error as Error).message).toMatch(/no data arrived for 0 s after 1000000 of 2000000 bytes/);
    expect((error as Error).message).toContain(join(cache, 'weights', FILE_NAME));
    expect(cached()).toEqual([]);
  });

  it('a cached file cut short, emptied or overwritten is caught by its hash and fetched again', async () => {
    const target = join(cache, 'weights', FILE_NAME);
    for (const damaged of [BODY.subarray(0, BODY.length - 1), Buffer.alloc(0), Buffer.alloc(BODY.length, 0)]) {
      mkdirSync(join(cache, 'weights'), { recursive: true });
      writeFileSync(target, damaged);
      const notices: string[] = [];
      const path = await ensureImagenetWeights(weightsFile('/good.h5'), { cacheDir: cache, onNotice: (m) => notices.push(m) });
      counts.faultsInjected++;
      expect(notices.join('\n')).toMatch(/is corrupt \(its sha256 hash is [0-9a-f]{64}, expected/);
      expect(readFileSync(path).equals(BODY)).toBe(true);
      expect(cached()).toEqual([FILE_NAME]);
      counts.filesChecked++;
    }
  });
});

describe('a weights file for another architecture', () => {
  it('MobileNetV2 alpha 0.35 weights into an alpha 0.5 build: every mismatched layer reported with its shapes, none written, no crash', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tlc-faults-weights-'));
    try {
      const source = buildBackbone('MobileNetV2', { inputShape: [32, 32, 3], alpha: 0.35 });
      const file = join(folder, 'mobilenet_v2_0.35.h5');
      await writeModelAsKeras2H5(file, source);
      const target = buildBackbone('MobileNetV2', { inputShape: [32, 32, 3], alpha: 0.5, init: 'zeros' });
      const valuesOf = (name: string) => target.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
      const before = new Map(target.layers.map((l) => [l.name, valuesOf(l.name)]));
      const report = await loadWeights(target, { path: file });
      counts.faultsInjected++;
      const withWeights = target.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
      expect(report.matched.length + report.skipped.length).toBe(withWeights.length);
      expect(report.skipped.length).toBeGreaterThan(withWeights.length / 2);
      for (const s of report.skipped) expect(s.reason, s.layer).toMatch(/shape|not in the file/);
      expect(formatWeightsReport(report)).toContain(report.skipped[0]!.layer);
      // A skipped layer keeps its initial values: nothing half-written.
      for (const { layer } of report.skipped) expect(valuesOf(layer), layer).toEqual(before.get(layer));
      counts.filesChecked++;
      source.dispose();
      target.dispose();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('tlc run with a weights file for another architecture', () => {
  if (!COMMANDS.some((c) => c.name === 'run')) {
    it.todo('tlc run with MobileNetV2 weights for a MobileNet pipeline (the run command is not registered yet)');
    return;
  }

  it('reports what did not match, by layer, and goes on: no crash', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tlc-faults-other-arch-'));
    try {
      const other = buildBackbone('MobileNetV2', { inputShape: [32, 32, 3], alpha: 0.35 });
      await saveModelToDir(other, join(folder, 'mobilenet_v2'));
      other.dispose();
      for (let i = 0; i < 4; i++) {
        await writeSolidImage(join(folder, 'photos', 'red', `${i}.png`), RED);
        await writeSolidImage(join(folder, 'photos', 'blue', `${i}.png`), BLUE);
      }
      writeFileSync(
        join(folder, 'other.tl'),
        'data "photos" {\n  image 32x32 rgb\n  validation 25% seed 1\n  batch 4\n}\n' +
          'use MobileNet alpha 0.25 weights "mobilenet_v2/model.json" freeze none\npreprocess native\nhead dense 2\ntrain {\n  epochs 1\n}\n',
      );
      const result = spawnSync(process.execPath, [tlc, 'run', 'other.tl', '--out', join(folder, 'run')], {
        cwd: folder, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1', TLC_HOME: join(folder, 'home') },
      });
      counts.faultsInjected++;
      const output = `${result.stdout}${result.stderr}`;
      expect(output).toMatch(/probably for another architecture/);
      expect(output).toMatch(/conv1: not in the file/);
      expect(output).toMatch(/unused in the file: \d+ layers \(Conv1/);
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(result.status, output).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
