// One process at a time trains in a run folder: while `tlc run` (or `--resume`) works in it,
// lock.json names that process (pid, its start time, the host). A second `--resume` of the same
// folder while the first still runs would repair and overwrite the checkpoints under it; it is
// refused (TL4203) instead. A lock whose process is gone (killed, the machine restarted) is
// stale and taken over. The lock is created whole or not at all: written to a temporary file,
// then hard-linked to its name, which fails when the name exists.
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunError, runtimeMessages } from '../messages';
import { RUN_FILES } from './run-folder';

interface Holder {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (Linux /proc), so a reused pid is not taken for it. */
  started: number | null;
}

export interface RunLock {
  release(): void;
}

/** Locks `runDir` for this process; a folder that is not a run folder is left to the run's own checks. */
export function lockRunFolder(runDir: string): RunLock {
  if (!existsSync(join(runDir, RUN_FILES.plan))) return { release: () => {} };
  const file = join(runDir, RUN_FILES.lock);
  const me: Holder = { pid: process.pid, host: hostname(), started: processStart(process.pid) };
  const temporary = join(runDir, `.lock.json.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(me)}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temporary, file);
        return { release: () => releaseIfMine(file, me) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder && holdsStill(holder)) throw new RunError(runtimeMessages.runFolderInUse(runDir, holder.pid, holder.host, file));
      rmSync(file, { force: true });
    }
    throw new RunError(runtimeMessages.runFolderInUse(runDir, null, null, file));
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readHolder(file: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? { pid: holder.pid, host: holder.host, started: holder.started ?? null } : null;
  } catch {
    return null; // unreadable: not a lock any process could hold
  }
}

/** Whether the lock's process still runs. Another host's process cannot be seen: it is taken to run. */
function holdsStill(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const started = processStart(holder.pid);
  return holder.started === null || started === null || started === holder.started;
}

function releaseIfMine(file: string, me: Holder): void {
  const holder = readHolder(file);
  if (holder && holder.pid === me.pid && holder.host === me.host) rmSync(file, { force: true });
}

/** Field 22 of /proc/PID/stat (after the parenthesised name, which may hold spaces); null elsewhere. */
function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const started = Number(fields[19]);
    return Number.isFinite(started) ? started : null;
  } catch {
    return null;
  }
}
