// `weights imagenet`: the Keras `_notop.h5` file for a backbone, shipped with tlc (./shipped) or
// from the cache when it is there and its hash checks out, otherwise downloaded (streamed to a temp file in the cache folder,
// hashed on the way, renamed into place only when complete and verified). Any failure leaves
// nothing in the cache and throws a WeightsError that says how to get the file by hand.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { WeightsFile } from '../catalog/types';
import { cacheDir as defaultCacheDir, cachedWeightsPath } from './cache';
import { WeightsError } from './errors';
import { hashFile, newHash } from './hash';
import { shippedWeightsDir, shippedWeightsPath } from './shipped';

export interface EnsureWeightsOptions {
  /** The cache folder (default: `cacheDir()`); the file goes to `<cacheDir>/weights/`. */
  cacheDir?: string;
  /** Called as bytes arrive; total is undefined when the server does not say. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** The fetch to use (default: Node's global fetch). */
  fetch?: typeof globalThis.fetch;
  /** Messages for people, e.g. a corrupt cached file being fetched again (default: stderr). */
  onNotice?: (message: string) => void;
  /** Give up when no bytes arrive for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** The folder of weights files shipped with tlc, looked at first (default: `shippedWeightsDir()`). */
  shippedDir?: string;
}

/** Why a download failed, in words, before it is wrapped into the WeightsError for people. */
class DownloadFailure extends Error {}

/** The local path of the verified weights file, downloading it into the cache when needed. */
export async function ensureImagenetWeights(file: WeightsFile, options: EnsureWeightsOptions = {}): Promise<string> {
  const target = cachedWeightsPath(file, options.cacheDir ?? defaultCacheDir());
  const notice = options.onNotice ?? ((message: string) => process.stderr.write(`${message}\n`));
  const shipped = shippedWeightsPath(file, options.shippedDir ?? shippedWeightsDir());
  if (shipped !== undefined) {
    const problem = await verifyHash(shipped, file);
    if (problem === undefined) return shipped;
    notice(`tlc: the weights file shipped with tlc, ${shipped}, is damaged (${problem}); using the cache or the network instead`);
  }
  if (existsSync(target)) {
    const problem = await verifyHash(target, file);
    if (problem === undefined) return target;
    notice(`tlc: the cached weights file ${target} is corrupt (${problem}); downloading it again`);
    await rm(target, { force: true });
  }
  try {
    await mkdir(dirname(target), { recursive: true });
    await removeAbandonedParts(target);
    await download(file, target, options);
  } catch (error) {
    throw new WeightsError(unavailableMessage(file, target, describeFailure(error)));
  }
  return target;
}

/** Undefined when the file's hash is the expected one (or none is known), else what is wrong. */
async function verifyHash(path: string, file: WeightsFile): Promise<string | undefined> {
  if (file.hash === null || file.hashAlgorithm === null) return undefined;
  const actual = await hashFile(path, file.hashAlgorithm);
  return actual === file.hash.toLowerCase() ? undefined : hashMismatch(file, actual);
}

function hashMismatch(file: WeightsFile, actual: string): string {
  return `its ${file.hashAlgorithm} hash is ${actual}, expected ${file.hash}`;
}

/** The temp name a download streams to: hidden, with the writing process's id, never mistaken for the file. */
function partialPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
}

/**
 * Removes the partial files of `target` left by downloads whose process died without cleaning
 * up (killed, machine lost power); a partial file of a process still running is left alone.
 */
async function removeAbandonedParts(target: string): Promise<void> {
  const folder = dirname(target);
  const prefix = `.${basename(target)}.`;
  for (const name of await readdir(folder)) {
    const pid = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.part$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid !== undefined && !isRunning(Number(pid))) await rm(join(folder, name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function download(file: WeightsFile, target: string, options: EnsureWeightsOptions): Promise<void> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idleMs);
  const temp = partialPath(target);
  let received = 0;
  let total: number | undefined;
  try {
    const response = await fetchImpl(file.url, { signal: controller.signal }).catch((error: unknown) => {
      throw new DownloadFailure(connectionProblem(error, idleMs));
    });
    if (!response.ok || !response.body) {
      throw new DownloadFailure(`the server answered ${response.status} ${response.statusText}`.trimEnd());
    }
    const length = Number(response.headers.get('content-length'));
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    total = Number.isFinite(length) && length > 0 && !encoded ? length : undefined;
    const hash = file.hashAlgorithm ? newHash(file.hashAlgorithm) : undefined;
    const handle = await open(temp, 'wx');
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), idleMs);
        await handle.write(chunk);
        hash?.update(chunk);
        received += chunk.length;
        options.onProgress?.(received, total);
      }
    } catch (error) {
      throw new DownloadFailure(`${connectionProblem(error, idleMs)} after ${received} of ${total ?? 'unknown'} bytes`);
    } finally {
      await handle.close();
    }
    if (total !== undefined && received !== total) {
      throw new DownloadFailure(`the transfer was cut short: received ${received} of ${total} bytes`);
    }
    if (hash) {
      const actual = hash.digest('hex');
      if (actual !== file.hash!.toLowerCase()) {
        throw new DownloadFailure(`the downloaded file is corrupt: ${hashMismatch(file, actual)}`);
      }
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** A network error (fetch's TypeError with a cause, our idle abort) in a few words. */
function connectionProblem(error: unknown, idleMs: number): string {
  if (error instanceof Error && error.name === 'AbortError') {
    return `no data arrived for ${Math.round(idleMs / 1000)} s`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  switch (cause?.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host cannot be resolved (offline?)';
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection dropped';
  }
  const message = error instanceof Error ? error.message : String(error);
  return cause?.message ? `${message} (${cause.message})` : message;
}

/** The reason for people: a DownloadFailure as it is, anything else a file system error. */
function describeFailure(error: unknown): string {
  if (error instanceof DownloadFailure) return error.message;
  return `cannot write to the cache (${error instanceof Error ? error.message : String(error)})`;
}

function unavailableMessage(file: WeightsFile, target: string, reason: string): string {
  return [
    `cannot download the ImageNet weights file ${file.fileName}: ${reason}.`,
    `  url: ${file.url}`,
    '  To work offline, download it by hand (on any machine) and add it to the cache, which checks it first:',
    `    tlc weights add path/to/${file.fileName}`,
    `  (that copies it to ${target}; see \`tlc weights --help\`),`,
    '  or load weights from a local file instead: weights "path/to/file.h5"',
  ].join('\n');
}
