// The pixel cache: decoded images that do not fit in the memory share are written once to disk
// and read back a batch at a time (images.ts DiskImages), every epoch and every later run on the
// same files with the same decode settings. One entry per (files, decode settings):
//   <tlc cache>/pixels/<key>/pixels.u8    image slot s (files sorted by path) at byte s x H x W x C
//   <tlc cache>/pixels/<key>/index.json   the settings, the image count, a first file (to tell
//                                         which data it is) and the files that did not decode
// <tlc cache> is $TLC_HOME, else ~/.cache/tlc (where the weights and ONNX graphs go too). The key
// is a sha256 of the format version, the decode settings and every file's path, size and
// modification time: a changed, added or removed file makes a new entry (the old one for the same
// files and settings is removed then). An entry is built in a `.partial-` folder and renamed into
// place whole, so a crash or Ctrl-C never leaves a half cache that looks complete. Before building,
// the folder's free space is checked: a set that fits neither in memory nor on disk is TL4110.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '@tlc/zoo';
import { RunError, runtimeMessages } from '../messages';
import { writeJsonAtomic } from '../run/atomic';
import { decodeEach, type BadImage, type CheckOptions } from './check';
import { channelsOf, type DecodeOptions } from './decode';
import { gib } from './memory';
import { byCodePoint } from './walk';

/** Bump when the decoder's output or the entry's layout changes, so old entries are not reused. */
const FORMAT_VERSION = 1;
const PIXELS = 'pixels.u8';
const INDEX = 'index.json';
/** Free space left over on the cache's disk after the entry is written. */
const DISK_MARGIN_BYTES = 256 * 2 ** 20;

/** The folder pixel caches go to by default: `$TLC_HOME/pixels` or `~/.cache/tlc/pixels`. */
export function defaultPixelCacheDir(): string {
  return join(cacheDir(), 'pixels');
}

interface IndexFile {
  version: number;
  /** The hash of the decode settings and the file paths alone: entries for the same data. */
  source: string;
  decode: DecodeOptions;
  /** Images in the entry, and the first file (sorted by path): for people looking into the folder. */
  count: number;
  firstFile: string;
  /** Slots whose file did not decode (their bytes are zeros), with the reason. */
  bad: { slot: number; reason: string }[];
}

export interface CachedPixels {
  /** The entry's pixel file. */
  file: string;
  /** Each item's slot in the file (items in the order given). */
  slots: Int32Array;
  /** The items that did not decode, in the order given. */
  bad: BadImage[];
  /** True when an earlier run's entry was used (nothing decoded). */
  reused: boolean;
  /** The entry's folder. */
  entry: string;
}

export interface PixelCacheOptions extends CheckOptions {
  /** The cache folder (default defaultPixelCacheDir()). */
  dir?: string;
}

/** Bytes the decoded pixels of `count` images take. */
export const pixelBytes = (count: number, decode: DecodeOptions): number => count * decode.height * decode.width * channelsOf(decode.colorMode);

/**
 * The pixels of `items` in the cache: an earlier run's entry when the files and the settings are
 * the same, else decoded now (bad files found and listed as checkImages does) into a new entry.
 */
export async function cachedPixels<T extends { file: string }>(items: readonly T[], options: PixelCacheOptions): Promise<CachedPixels> {
  const dir = options.dir ?? defaultPixelCacheDir();
  const decode: DecodeOptions = { height: options.height, width: options.width, colorMode: options.colorMode, maxPixels: options.maxPixels };
  if (options.resize) decode.resize = options.resize;
  const files = [...new Set(items.map((item) => item.file))].sort(byCodePoint);
  const slotOf = new Map(files.map((file, slot) => [file, slot]));
  const slots = Int32Array.from(items, (item) => slotOf.get(item.file)!);
  const stats = files.map((file) => {
    try {
      const stat = statSync(file);
      return { file, size: stat.size, mtimeMs: stat.mtimeMs };
    } catch {
      // Missing now: decoding reports it as a bad file; the key still names it.
      return { file, size: -1, mtimeMs: -1 };
    }
  });
  const source = sha256({ version: FORMAT_VERSION, decode, files });
  const key = sha256({ version: FORMAT_VERSION, decode, files: stats });
  const entry = join(dir, key);
  const index = readEntry(entry, files.length, valuesOf(decode));
  const result = (found: IndexFile, reused: boolean): CachedPixels => {
    const reasons = new Map(found.bad.map((b) => [b.slot, b.reason]));
    const bad = items.flatMap((item, i) => (reasons.has(slots[i]!) ? [{ file: item.file, reason: reasons.get(slots[i]!)! }] : []));
    return { file: join(entry, PIXELS), slots, bad, reused, entry };
  };
  if (index) return result(index, true);

  makeCacheFolder(dir);
  const need = files.length * valuesOf(decode);
  const free = freeBytes(dir);
  if (free !== null && need + DISK_MARGIN_BYTES > free) {
    throw new RunError(runtimeMessages.tooLargeForDisk(files.length, `${decode.height}x${decode.width} ${decode.colorMode}`, gib(need), dir, gib(free)));
  }
  removeAbandonedPartials(dir);
  // An entry without its index (a crash between writing and renaming cannot leave one, but a hand
  // or a disk can): not one to use, and in the way of the new one.
  rmSync(entry, { recursive: true, force: true });
  const partial = join(dir, `${key}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(partial, { recursive: true });
  try {
    const fd = openSync(join(partial, PIXELS), 'w');
    let bad: (BadImage & { index: number })[];
    try {
      // The file's full length from the start: the slots of bad files stay zeros.
      ftruncateSync(fd, need);
      const n = valuesOf(decode);
      bad = await decodeEach(files.map((file) => ({ file })), { ...options, ...decode }, (slot, pixels) => {
        let done = 0;
        while (done < n) done += writeSync(fd, pixels, done, n - done, slot * n + done);
      });
    } finally {
      closeSync(fd);
    }
    const written: IndexFile = {
      version: FORMAT_VERSION, source, decode, count: files.length, firstFile: files[0] ?? '', bad: bad.map((b) => ({ slot: b.index, reason: b.reason })),
    };
    writeJsonAtomic(join(partial, INDEX), written);
    try {
      renameSync(partial, entry);
    } catch (error) {
      // Another run finished the same entry first: use theirs.
      if (!existsSync(join(entry, INDEX))) throw error;
      rmSync(partial, { recursive: true, force: true });
    }
    removeOtherEntries(dir, key, source);
    return result(written, false);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Another program took the space after the check above.
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new RunError(runtimeMessages.diskFilledUp(dir, gib(need)));
    throw error;
  }
}

const valuesOf = (decode: DecodeOptions): number => pixelBytes(1, decode);

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The entry's index when the entry is complete and of this format, else null. */
function readEntry(entry: string, count: number, valuesPerImage: number): IndexFile | null {
  try {
    const index = JSON.parse(readFileSync(join(entry, INDEX), 'utf8')) as IndexFile;
    if (index.version !== FORMAT_VERSION || index.count !== count || statSync(join(entry, PIXELS)).size !== count * valuesPerImage) return null;
    return index;
  } catch {
    return null;
  }
}

function makeCacheFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new RunError(runtimeMessages.folderNotWritable('the pixel cache', dir, dir));
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new RunError(runtimeMessages.folderUnderAFile('the pixel cache', dir, dir));
    throw error;
  }
}

/** Bytes free to an unprivileged user on the disk holding `dir` (null when the system cannot say). */
function freeBytes(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/** Removes `.partial-` folders left by runs that were killed while writing (their process is gone). */
function removeAbandonedPartials(dir: string): void {
  for (const name of readdirSync(dir)) {
    const match = /\.partial-(\d+)-/.exec(name);
    if (match && !processAlive(Number(match[1]))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the entries for the same files and settings made before a file changed. */
function removeOtherEntries(dir: string, key: string, source: string): void {
  for (const name of readdirSync(dir)) {
    if (name === key || name.includes('.partial-')) continue;
    try {
      const index = JSON.parse(readFileSync(join(dir, name, INDEX), 'utf8')) as IndexFile;
      if (index.source === source) rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // Not an entry (or one being read by nobody we know of): left alone.
    }
  }
}
