// Replacing a whole folder at once (a model folder: model.json, weights.bin and what goes with
// them), so no reader or crash ever sees files of two saves side by side. The new folder is
// written as a hidden sibling (`.NAME.PID.HEX.tmp/`), the old one renamed aside
// (`.NAME.PID.HEX.old/`), the new one renamed into place, then the old one removed. A kill can
// leave, beside the folder:
//   - a `.tmp` sibling: an unfinished save; the folder itself is the previous one, whole;
//   - a `.old` sibling with the folder present: the save finished; the old one is garbage;
//   - a `.old` sibling and no folder: killed between the two renames; the `.old` one is the
//     previous save, whole. Readers read it (folderToRead); writers put it back first
//     (recoverFolder), so the folder is always one save or the other, never a mix, never lost.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const LEFTOVER = /^\.(.+)\.(\d+)\.([0-9a-f]+)\.(tmp|old)$/;

interface Leftover {
  path: string;
  kind: 'tmp' | 'old';
  pid: number;
  mtimeMs: number;
}

/** The hidden siblings a save of `folder` may have left (see the header). */
function leftovers(folder: string): Leftover[] {
  const parent = dirname(folder);
  const name = basename(folder);
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const match = LEFTOVER.exec(entry);
    if (!match || match[1] !== name) return [];
    const path = join(parent, entry);
    try {
      return [{ path, kind: match[4] as 'tmp' | 'old', pid: Number(match[2]), mtimeMs: statSync(path).mtimeMs }];
    } catch {
      return [];
    }
  });
}

/** Whether another live process may still be writing a leftover (its own save in progress). */
function ownedByLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The folder to read for `folder`: itself, or (when a save was killed between its two renames)
 * the previous save set aside beside it; null when there is neither. Never changes anything.
 */
export function folderToRead(folder: string): string | null {
  const target = resolve(folder);
  if (existsSync(target)) return target;
  const aside = leftovers(target).filter((l) => l.kind === 'old').sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
  return aside?.path ?? null;
}

/**
 * Puts `folder` back to one whole save after a killed one: the previous save renamed back when
 * the folder is missing, unfinished and stale siblings removed (not those of a live process).
 * Returns what it did, in words, or null when there was nothing to do.
 */
export function recoverFolder(folder: string): string | null {
  const target = resolve(folder);
  const found = leftovers(target).filter((l) => !ownedByLiveProcess(l.pid));
  if (found.length === 0) return null;
  let restored = false;
  if (!existsSync(target)) {
    const aside = found.filter((l) => l.kind === 'old').sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    if (aside) {
      renameSync(aside.path, target);
      restored = true;
    }
  }
  for (const leftover of found) if (existsSync(leftover.path)) rmSync(leftover.path, { recursive: true, force: true });
  return restored
    ? `${target}: a save was interrupted between its two renames; the previous save was put back`
    : `${target}: removed what an interrupted save left beside it`;
}

/**
 * Replaces `folder` with a new one that `write` fills (it gets the hidden folder to write into):
 * the folder is the old one, whole, until a single rename makes it the new one, whole.
 */
export async function replaceFolder(folder: string, write: (dir: string) => Promise<void>): Promise<void> {
  const target = resolve(folder);
  const parent = dirname(target);
  const name = basename(target);
  await mkdir(parent, { recursive: true });
  recoverFolder(target);
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const staged = join(parent, `.${name}.${tag}.tmp`);
  const aside = join(parent, `.${name}.${tag}.old`);
  try {
    await mkdir(staged);
    await write(staged);
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    throw error;
  }
  const hadOld = existsSync(target);
  try {
    if (hadOld) await rename(target, aside);
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    throw error;
  }
  try {
    await rename(staged, target);
  } catch (error) {
    if (hadOld) await rename(aside, target).catch(() => undefined);
    await rm(staged, { recursive: true, force: true });
    throw error;
  }
  if (hadOld) await rm(aside, { recursive: true, force: true });
}
