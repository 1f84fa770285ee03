// How much of this machine's memory the decoded images may take (the model, the backend and the
// feature cache need the rest): the memory share, 60% unless `TLC_MEMORY_SHARE` (or the run's
// `memoryShare` option) says otherwise. Decoded pixels that fit in it are held in memory; larger
// sets are streamed from the pixel cache on disk (pixel-cache.ts).
import os from 'node:os';
import { RunError, runtimeMessages } from '../messages';

export const DEFAULT_MEMORY_SHARE = 0.6;

/** The environment variable that sets the memory share: a fraction (0.25) or a percentage (25%). */
export const MEMORY_SHARE_VARIABLE = 'TLC_MEMORY_SHARE';

/** Parses a memory share as a fraction in (0, 1] (`0.25`) or a percentage (`25%`); TL4116 otherwise. */
export function parseMemoryShare(text: string, source: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const value = Number(percent ? trimmed.slice(0, -1) : trimmed);
  const share = percent ? value / 100 : value;
  if (trimmed === '' || !Number.isFinite(share) || share <= 0 || share > 1) {
    throw new RunError(runtimeMessages.badMemoryShare(source, text));
  }
  return share;
}

/** The share in force: `given` (the run's option), else `TLC_MEMORY_SHARE`, else 60%. */
export function memoryShare(given?: number): number {
  if (given !== undefined) return parseMemoryShare(String(given), 'the memory share');
  const variable = process.env[MEMORY_SHARE_VARIABLE];
  return variable === undefined || variable === '' ? DEFAULT_MEMORY_SHARE : parseMemoryShare(variable, MEMORY_SHARE_VARIABLE);
}

/** Bytes the decoded images may take in memory. */
export function memoryBudget(share: number): number {
  return Math.floor(share * os.totalmem());
}

export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Bytes for people: 1.5 GiB, 72.0 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  while (bytes >= 1024 && unit < units.length - 1) {
    bytes /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${bytes.toFixed(1)} ${units[unit]}`;
}

/** A share for people: 60%, 0.5%, 1e-10%. */
export const formatShare = (share: number): string => `${Number((share * 100).toPrecision(2))}%`;
