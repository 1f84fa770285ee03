// Weights files shipped inside tlc (packages/zoo/weights/, with their provenance and license in
// the README there): `weights imagenet` looks here before the cache and the network, so a
// shipped backbone works offline. Only files the catalog gives a hash for are shipped and used.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeightsFile } from '../catalog/types';

/** The folder of shipped weights files: packages/zoo/weights/. */
export function shippedWeightsDir(): string {
  return fileURLToPath(new URL('../../weights', import.meta.url));
}

/** The shipped copy of a weights file, when there is one (not yet verified). */
export function shippedWeightsPath(file: WeightsFile, dir: string = shippedWeightsDir()): string | undefined {
  if (file.hash === null) return undefined;
  const path = join(dir, file.fileName);
  return existsSync(path) ? path : undefined;
}
