// Where tlc keeps what it downloads: `$TLC_HOME`, or `~/.cache/tlc`, with ImageNet weight files
// under `<cacheDir>/weights/`.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WeightsFile } from '../catalog/types';

/** tlc's cache folder: `$TLC_HOME` when set, else `~/.cache/tlc`. */
export function cacheDir(): string {
  const home = process.env.TLC_HOME;
  return home ? resolve(home) : join(homedir(), '.cache', 'tlc');
}

/** The path a weights file has (or will have) in the cache. */
export function cachedWeightsPath(file: WeightsFile, dir: string = cacheDir()): string {
  return join(dir, 'weights', file.fileName);
}
