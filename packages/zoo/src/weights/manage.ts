// `tlc weights add` and `tlc weights list`: ImageNet weights files a user downloaded by hand, put
// into the cache after identifyWeightsFile checked them against the catalog; and what the
// shipped folder and the cache hold, each file checked again.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { cacheDir as defaultCacheDir, cachedWeightsPath } from './cache';
import { WeightsError } from './errors';
import { hashFile } from './hash';
import { identifyWeightsFile, type IdentifiedWeightsFile } from './identify';
import { knownWeightsFiles, type KnownWeightsFile } from './known-files';
import { shippedWeightsDir } from './shipped';

export interface AddedWeightsFile extends IdentifiedWeightsFile {
  /** Where the file now is in the cache. */
  path: string;
  /** 'added', or 'already' when the cache held the same bytes. */
  outcome: 'added' | 'already';
}

/**
 * Checks a file against the catalog (TL4401 damaged, TL4402 another model's, TL4403 unknown) and
 * copies it into `<cacheDir>/weights/` under its catalog name: to a hidden temp name first, renamed
 * into place once complete, so the cache never holds half a file. A file that fails leaves the
 * cache as it was.
 */
export async function addWeightsFile(path: string, options: { cacheDir?: string } = {}): Promise<AddedWeightsFile> {
  const source = resolve(path);
  if (!existsSync(source)) throw new WeightsError(`weights file not found: ${source}`);
  if (!statSync(source).isFile()) throw new WeightsError(`${source} is not a file`);
  const identified = await identifyWeightsFile(source);
  const target = cachedWeightsPath(identified.known.file, options.cacheDir ?? defaultCacheDir());
  if (existsSync(target) && (await sameBytes(source, target))) return { ...identified, path: target, outcome: 'already' };
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
  try {
    await copyFile(source, temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new WeightsError(`cannot write ${target} (${error instanceof Error ? error.message : String(error)})`);
  }
  return { ...identified, path: target, outcome: 'added' };
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  return statSync(a).size === statSync(b).size && (await hashFile(a, 'sha256')) === (await hashFile(b, 'sha256'));
}

export interface ListedWeightsFile {
  path: string;
  /** Shipped with tlc (looked at first), or in the cache. */
  where: 'shipped' | 'cache';
  bytes: number;
  /** The catalog's file of that name, if any. */
  known?: KnownWeightsFile;
  /**
   * 'verified' (the catalog's hash), 'unverified' (Keras publishes no hash: `tlc weights add`
   * checked its layers when it was added), 'damaged' (not the catalog's hash: `weights imagenet`
   * downloads it again), 'unknown' (no catalog file has that name: never used).
   */
  status: 'verified' | 'unverified' | 'damaged' | 'unknown';
}

/** The `.h5` files of the shipped folder, then of the cache, by name, each checked. */
export async function listWeightsFiles(options: { cacheDir?: string; shippedDir?: string } = {}): Promise<ListedWeightsFile[]> {
  const byName = new Map(knownWeightsFiles().map((k) => [k.file.fileName, k]));
  const folders: [ListedWeightsFile['where'], string][] = [
    ['shipped', options.shippedDir ?? shippedWeightsDir()],
    ['cache', join(options.cacheDir ?? defaultCacheDir(), 'weights')],
  ];
  const listed: ListedWeightsFile[] = [];
  for (const [where, folder] of folders) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).filter((n) => !n.startsWith('.') && /\.h5$/i.test(n)).sort()) {
      const path = join(folder, name);
      if (!statSync(path).isFile()) continue;
      const known = byName.get(name);
      listed.push({ path, where, bytes: statSync(path).size, ...(known ? { known } : {}), status: await status(path, known) });
    }
  }
  return listed;
}

async function status(path: string, known: KnownWeightsFile | undefined): Promise<ListedWeightsFile['status']> {
  if (!known) return 'unknown';
  const { hash, hashAlgorithm } = known.file;
  if (hash === null || hashAlgorithm === null) return 'unverified';
  return (await hashFile(path, hashAlgorithm)) === hash.toLowerCase() ? 'verified' : 'damaged';
}
