// Decoding every image of a set once, before training, so bad files are found up front: the
// pixels of the good ones are kept (they become the in-memory dataset) and every bad one is
// listed with its reason. `on bad image fail` turns any bad file into one RunError (TL4108) listing
// them all; `skip` goes on and returns a warning with the count and the first few.
import { RunError, runtimeMessages } from '../messages';
import { decodeImage, BadImageError, type DecodeOptions } from './decode';

/** Files decoded at the same time by default: sharp decodes on libuv's thread pool (4 threads). */
export const DECODE_CONCURRENCY = 3;

export interface BadImage {
  file: string;
  reason: string;
}

export interface CheckedImages<T> {
  /** The items that decoded, in input order, with their pixels. */
  good: { item: T; pixels: Uint8Array }[];
  /** The items that did not, in input order. */
  bad: BadImage[];
}

export interface CheckOptions extends DecodeOptions {
  /** Files decoded at the same time (default DECODE_CONCURRENCY). */
  concurrency?: number;
  /** Called after each file with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export async function checkImages<T extends { file: string }>(items: readonly T[], options: CheckOptions): Promise<CheckedImages<T>> {
  const pixels: Uint8Array[] = new Array(items.length);
  const bad = await decodeEach(items, options, (index, decoded) => {
    pixels[index] = decoded;
  });
  const badFiles = new Set(bad.map((b) => b.index));
  return {
    good: items.flatMap((item, index) => (badFiles.has(index) ? [] : [{ item, pixels: pixels[index]! }])),
    bad: bad.map(({ file, reason }) => ({ file, reason })),
  };
}

/**
 * Decodes every item, `concurrency` at a time (sharp decodes on libuv's thread pool), handing each
 * good image's pixels to `sink` as soon as it is decoded (so a caller that writes them out holds
 * none); returns the bad ones, in input order, with their index in `items`.
 */
export async function decodeEach<T extends { file: string }>(
  items: readonly T[],
  options: CheckOptions,
  sink: (index: number, pixels: Uint8Array) => void,
): Promise<(BadImage & { index: number })[]> {
  const bad: (BadImage & { index: number })[] = [];
  let nextIndex = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      const item = items[index]!;
      try {
        sink(index, await decodeImage(item.file, options));
      } catch (error) {
        if (!(error instanceof BadImageError)) throw error;
        bad.push({ file: item.file, reason: error.reason, index });
      }
      options.onProgress?.(++done, items.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? DECODE_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return bad.sort((a, b) => a.index - b.index);
}

/** How many bad files a `skip` warning names before "and N more". */
const WARNING_EXAMPLES = 5;

/**
 * Applies `on bad image`: with `fail`, throws a RunError (TL4108) naming every bad file and why;
 * with `skip`, returns the warning to print (null when nothing was bad).
 */
export function applyBadImagePolicy(bad: readonly BadImage[], total: number, policy: 'fail' | 'skip'): string | null {
  if (bad.length === 0) return null;
  const line = (b: BadImage) => `  ${b.file}: ${b.reason}`;
  if (policy === 'fail') {
    throw new RunError(runtimeMessages.badImages(bad.length, total, bad.map(line)));
  }
  const shown = bad.slice(0, WARNING_EXAMPLES).map(line).join('\n');
  const more = bad.length > WARNING_EXAMPLES ? `\n  … and ${bad.length - WARNING_EXAMPLES} more` : '';
  return `skipped ${bad.length} of ${total} image files that cannot be used (on bad image skip):\n${shown}${more}`;
}
