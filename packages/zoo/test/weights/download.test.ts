// The ImageNet weights cache against a real local HTTP server (127.0.0.1, port 0): a good file
// is downloaded, verified and reused without a request; corrupt and truncated transfers leave
// nothing in the cache; a corrupt cached file is fetched again; a server that is down gives an
// error naming the URL, the cache path and the `weights "…"` alternative. A file shipped with tlc
// (packages/zoo/weights/) is used before the cache and the network when its hash checks out.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findModel } from '../../src/catalog/index';
import type { WeightsFile } from '../../src/catalog/types';
import { cacheDir, cachedWeightsPath, ensureImagenetWeights, WeightsError } from '../../src/weights/index';
import { shippedWeightsDir } from '../../src/weights/shipped';

const GOOD = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31 + 7) % 251));
const BAD = Buffer.from(GOOD.map((b, i) => (i === 1234 ? b ^ 0xff : b)));
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let server: Server;
let base: string;
let requests: string[] = [];
let cache: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/good.h5' || req.url === '/corrupt.h5') {
      const body = req.url === '/good.h5' ? GOOD : BAD;
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
      res.end(body);
    } else if (req.url === '/truncated.h5') {
      res.writeHead(200, { 'content-length': GOOD.length });
      res.write(GOOD.subarray(0, 100_000), () => res.socket?.destroy());
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  requests = [];
  cache = mkdtempSync(join(tmpdir(), 'tlc-cache-'));
  return () => rmSync(cache, { recursive: true, force: true });
});

function file(path: string, hash: string | null, algorithm: 'md5' | 'sha256' | null = 'md5'): WeightsFile {
  return { url: `${base}${path}`, hash, hashAlgorithm: hash === null ? null : algorithm, fileName: 'test_weights_notop.h5' };
}

const cachedFiles = () => (existsSync(join(cache, 'weights')) ? readdirSync(join(cache, 'weights')) : []);

describe('ensureImagenetWeights', () => {
  it('downloads, verifies (md5) and caches a good file, reporting progress; the next call makes no request', async () => {
    const progress: [number, number | undefined][] = [];
    const weights = file('/good.h5', md5(GOOD));
    const path = await ensureImagenetWeights(weights, { cacheDir: cache, onProgress: (r, t) => progress.push([r, t]) });
    expect(path).toBe(join(cache, 'weights', 'test_weights_notop.h5'));
    expect(readFileSync(path).equals(GOOD)).toBe(true);
    expect(progress.at(-1)).toEqual([GOOD.length, GOOD.length]);
    expect(cachedFiles()).toEqual(['test_weights_notop.h5']);
    expect(requests).toEqual(['/good.h5']);

    expect(await ensureImagenetWeights(weights, { cacheDir: cache })).toBe(path);
    expect(requests).toEqual(['/good.h5']);
  });

  it('verifies sha256 hashes, and accepts files Keras publishes without a hash', async () => {
    const path = await ensureImagenetWeights(file('/good.h5', sha256(GOOD), 'sha256'), { cacheDir: cache });
    expect(readFileSync(path).equals(GOOD)).toBe(true);
    rmSync(path);
    expect(readFileSync(await ensureImagenetWeights(file('/good.h5', null), { cacheDir: cache })).equals(GOOD)).toBe(true);
  });

  it('rejects a file whose hash does not match and caches nothing', async () => {
    const attempt = ensureImagenetWeights(file('/corrupt.h5', md5(GOOD)), { cacheDir: cache });
    await expect(attempt).rejects.toBeInstanceOf(WeightsError);
    await expect(ensureImagenetWeights(file('/corrupt.h5', md5(GOOD)), { cacheDir: cache })).rejects.toThrow(
      `the downloaded file is corrupt: its md5 hash is ${md5(BAD)}, expected ${md5(GOOD)}`,
    );
    expect(cachedFiles()).toEqual([]);
  });

  it('rejects a transfer cut off mid-body and leaves no partial file', async () => {
    const attempt = ensureImagenetWeights(file('/truncated.h5', md5(GOOD)), { cacheDir: cache });
    await expect(attempt).rejects.toThrow(/connection dropped after \d+ of 300000 bytes|cut short/);
    expect(cachedFiles()).toEqual([]);
  });

  it('reports a corrupt cached file and fetches it again', async () => {
    const weights = file('/good.h5', md5(GOOD));
    const target = cachedWeightsPath(weights, cache);
    mkdirSync(join(cache, 'weights'), { recursive: true });
    writeFileSync(target, BAD);
    const notices: string[] = [];
    const path = await ensureImagenetWeights(weights, { cacheDir: cache, onNotice: (m) => notices.push(m) });
    expect(readFileSync(path).equals(GOOD)).toBe(true);
    expect(requests).toEqual(['/good.h5']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`${target} is corrupt`);
  });

  it('explains an HTTP error status', async () => {
    await expect(ensureImagenetWeights(file('/missing.h5', md5(GOOD)), { cacheDir: cache })).rejects.toThrow(
      'the server answered 404 Not Found',
    );
    expect(cachedFiles()).toEqual([]);
  });

  it('when the server is down, names the URL, the cache path to fill by hand, and weights "…"', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}/gone_notop.h5`;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const weights: WeightsFile = { url, hash: md5(GOOD), hashAlgorithm: 'md5', fileName: 'gone_notop.h5' };
    const error = await ensureImagenetWeights(weights, { cacheDir: cache }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightsError);
    const message = (error as Error).message;
    expect(message).toContain('the connection was refused');
    expect(message).toContain(url);
    expect(message).toContain(join(cache, 'weights', 'gone_notop.h5'));
    expect(message).toContain('weights "path/to/file.h5"');
    expect(cachedFiles()).toEqual([]);
  });
});

describe('weights shipped with tlc', () => {
  const offline: typeof fetch = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }));

  it('uses a shipped file whose hash checks out, before the cache and without a request', async () => {
    const shipped = mkdtempSync(join(tmpdir(), 'tlc-shipped-'));
    try {
      writeFileSync(join(shipped, 'test_weights_notop.h5'), GOOD);
      const path = await ensureImagenetWeights(file('/good.h5', sha256(GOOD), 'sha256'), { cacheDir: cache, shippedDir: shipped });
      expect(path).toBe(join(shipped, 'test_weights_notop.h5'));
      expect(requests).toEqual([]);
      expect(cachedFiles()).toEqual([]);
    } finally {
      rmSync(shipped, { recursive: true, force: true });
    }
  });

  it('passes over a damaged shipped file, says so, and downloads into the cache', async () => {
    const shipped = mkdtempSync(join(tmpdir(), 'tlc-shipped-'));
    try {
      writeFileSync(join(shipped, 'test_weights_notop.h5'), BAD);
      const notices: string[] = [];
      const weights = file('/good.h5', sha256(GOOD), 'sha256');
      const path = await ensureImagenetWeights(weights, { cacheDir: cache, shippedDir: shipped, onNotice: (m) => notices.push(m) });
      expect(path).toBe(cachedWeightsPath(weights, cache));
      expect(requests).toEqual(['/good.h5']);
      expect(notices).toEqual([expect.stringContaining(`${join(shipped, 'test_weights_notop.h5')}, is damaged (its sha256 hash is ${sha256(BAD)}`)]);
    } finally {
      rmSync(shipped, { recursive: true, force: true });
    }
  });

  it('never uses a shipped file the catalog gives no hash for', async () => {
    const shipped = mkdtempSync(join(tmpdir(), 'tlc-shipped-'));
    try {
      writeFileSync(join(shipped, 'test_weights_notop.h5'), BAD);
      const path = await ensureImagenetWeights(file('/good.h5', null), { cacheDir: cache, shippedDir: shipped });
      expect(path).toBe(join(cache, 'weights', 'test_weights_notop.h5'));
      expect(readFileSync(path).equals(GOOD)).toBe(true);
    } finally {
      rmSync(shipped, { recursive: true, force: true });
    }
  });

  it('MobileNet alpha 0.25 (the 224 file, used for 96x96 too) works offline from the repository, hash-checked', async () => {
    const weights = findModel('MobileNet')!.weightsFor({ alpha: 0.25, inputSize: 96 })!;
    expect(weights).toMatchObject({
      fileName: 'mobilenet_2_5_224_tf_no_top.h5',
      hash: 'dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf',
      hashAlgorithm: 'sha256',
    });
    const path = await ensureImagenetWeights(weights, { cacheDir: cache, fetch: offline });
    expect(path).toBe(join(shippedWeightsDir(), 'mobilenet_2_5_224_tf_no_top.h5'));
    expect(sha256(readFileSync(path))).toBe(weights.hash);
    expect(existsSync(join(shippedWeightsDir(), 'README.md'))).toBe(true);
    expect(cachedFiles()).toEqual([]);
  });
});

describe('cacheDir', () => {
  it('is $TLC_HOME when set, else ~/.cache/tlc', () => {
    const saved = process.env.TLC_HOME;
    try {
      process.env.TLC_HOME = cache;
      expect(cacheDir()).toBe(cache);
      delete process.env.TLC_HOME;
      expect(cacheDir()).toMatch(/[/\\]\.cache[/\\]tlc$/);
    } finally {
      if (saved === undefined) delete process.env.TLC_HOME;
      else process.env.TLC_HOME = saved;
    }
  });
});
