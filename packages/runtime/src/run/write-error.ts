// A file system error while the run writes its folder (an epoch's checkpoints, metrics.csv,
// state.json): a disk that filled up, a folder made read-only or a file put in the way mid-run
// becomes TL4208, which says what could not be written, why, and how to resume.
import { RunError, runtimeMessages } from '../messages';

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  EEXIST: 'a file is in the way of a folder',
  ENOENT: 'a folder of it was removed',
  EIO: 'an input/output error',
};

/** `error` as TL4208 when it is a file system error (else unchanged), for rethrowing. */
export function runFolderError(error: unknown, runDir: string): unknown {
  const e = error as NodeJS.ErrnoException & { dest?: string };
  const why = typeof e?.code === 'string' ? REASONS[e.code] : undefined;
  if (!why || error instanceof RunError) return error;
  const target = e.dest ?? e.path ?? runDir;
  return new RunError(runtimeMessages.runFolderWriteFailed(target, why, runDir));
}

/** Runs `write`, turning its file system errors into TL4208. */
export async function writingRunFolder<T>(runDir: string, write: () => Promise<T> | T): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw runFolderError(error, runDir);
  }
}
