// Files named on the command line, read and written with what is wrong said in words and one
// code (TL4209, from the runtime's catalog), never a bare errno: a file that does not exist, a
// folder where a file belongs, one that cannot be read or written, a folder to write into that
// does not exist.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runtimeMessages, type RuntimeMessage } from '@tlc/runtime/messages';
import { renderCodedPretty } from './report-error';

/** Why reading or writing failed, in words, from Node's error code. */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'it is a loop of symbolic links';
    default:
      return code ? `the system says ${code}` : String(error);
  }
}

/** Prints the error (`error[TL4209]: …`) and returns 1 (the exit code). */
export function pathError(message: RuntimeMessage): number {
  process.stderr.write(renderCodedPretty(message));
  return 1;
}

/** What keeps a file named on the command line from being read as one (TL4209); undefined when nothing does. */
export function inputFileProblem(file: string, wanted: string): RuntimeMessage | undefined {
  try {
    if (statSync(file).isDirectory()) return runtimeMessages.inputIsAFolder(file, wanted);
    return undefined;
  } catch (error) {
    return runtimeMessages.cannotReadInput(file, fsReason(error), wanted);
  }
}

/**
 * The text of a file named on the command line, or undefined after printing what is wrong with
 * it. `wanted` says what the command takes there: "a .tl file", "a .tl file or a plan JSON".
 */
export function readInputFile(file: string, wanted: string): string | undefined {
  try {
    if (statSync(file).isDirectory()) {
      pathError(runtimeMessages.inputIsAFolder(file, wanted));
      return undefined;
    }
    return readFileSync(file, 'utf8');
  } catch (error) {
    pathError(runtimeMessages.cannotReadInput(file, fsReason(error), wanted));
    return undefined;
  }
}

/** What is wrong with writing `target`, in words: its folder is missing or not a folder, it is a folder. */
export function writeProblem(target: string, error: unknown): RuntimeMessage {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return runtimeMessages.cannotWrite(target, `the folder ${path.dirname(target)} does not exist`);
  try {
    if (statSync(target).isDirectory()) return runtimeMessages.cannotWrite(target, 'it is a folder; give a file name');
  } catch {
    // Not there: the reason below says why.
  }
  return runtimeMessages.cannotWrite(target, fsReason(error));
}
