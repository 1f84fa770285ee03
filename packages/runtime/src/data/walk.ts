// Listing the image files under a folder, recursively (Keras follows nested folders and
// symbolic links). Hidden files and folders are skipped, non-image files ignored; a symbolic
// link back to a folder being walked (a loop) is skipped with a warning instead of recursing
// forever, as is a broken link. Results are sorted by path (code point order) for repeatability.
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RunError, runtimeMessages } from '../messages';
import { isImageFileName } from './extensions';

export interface ListedFile {
  /** Absolute path. */
  file: string;
  /** Path relative to the listed folder, with `/` separators. */
  relativePath: string;
}

async function readFolder(folder: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a folder' : (error as Error).message;
    throw new RunError(runtimeMessages.folderUnreadable(folder, why));
  }
}

/** The kind an entry has once symbolic links are followed; null for a broken link. */
async function entryKind(full: string, entry: Dirent): Promise<'file' | 'folder' | 'other' | null> {
  if (entry.isDirectory()) return 'folder';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = await fs.stat(full);
    return target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other';
  } catch {
    return null;
  }
}

async function walk(folder: string, relative: string, chain: Set<string>, out: ListedFile[], warnings: string[]): Promise<void> {
  for (const entry of await readFolder(folder)) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    const relativePath = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const kind = await entryKind(full, entry);
    if (kind === null) {
      warnings.push(`skipped a broken symbolic link: ${full}`);
    } else if (kind === 'folder') {
      const real = await fs.realpath(full);
      if (chain.has(real)) {
        warnings.push(`skipped a symbolic link loop: ${full} points back to ${real}`);
        continue;
      }
      await walk(full, relativePath, new Set(chain).add(real), out, warnings);
    } else if (kind === 'file' && isImageFileName(entry.name)) {
      out.push({ file: full, relativePath });
    }
  }
}

/** Sort order for names and paths: by code point, like Python's sorted(), independent of locale. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Fails with TL4101 unless `folder` exists and is a folder; `what` says which one ("data folder"). */
export async function assertFolder(folder: string, what: string): Promise<void> {
  let stats;
  try {
    stats = await fs.stat(folder);
  } catch {
    throw new RunError(runtimeMessages.folderMissing(what, folder));
  }
  if (!stats.isDirectory()) throw new RunError(runtimeMessages.notAFolder(what, folder));
}

/** Every image file under `folder`, sorted; problems that were skipped go to `warnings`. */
export async function listImageFiles(folder: string, warnings: string[] = []): Promise<ListedFile[]> {
  const root = path.resolve(folder);
  await assertFolder(root, 'image folder');
  const out: ListedFile[] = [];
  await walk(root, '', new Set([await fs.realpath(root)]), out, warnings);
  return out.sort((a, b) => byCodePoint(a.relativePath, b.relativePath));
}
