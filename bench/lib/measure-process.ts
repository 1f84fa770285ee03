// Wall time and peak memory of a whole child process (a `tlc` command, a Python script): the
// clock runs from spawn to exit, and the process tree's resident memory is polled from /proc
// every 50 ms (the sum of VmRSS over the process and its descendants, and the root's own
// high-water mark VmHWM, whichever is larger), so nothing beyond Node and Linux is needed.
// Elsewhere the peak reads 0.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ProcessRun {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  seconds: number;
  /** Peak resident memory of the process tree in MB (0 where /proc cannot be read). */
  peakMb: number;
  stdout: string;
  stderr: string;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.replace(/\D+/g, '')) : 0;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) found.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone, or not Linux
  }
  return found;
}

function treeRssKb(root: number): number {
  let total = 0;
  const pending = [root];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += statusKb(pid, 'VmRSS');
    pending.push(...children(pid));
  }
  return total;
}

/** Runs `command args` in `cwd` to its end; never throws for a failing command (see `code`). */
export function measureProcess(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    let peakKb = 0;
    const poll = () => {
      if (child.pid === undefined) return;
      peakKb = Math.max(peakKb, treeRssKb(child.pid), statusKb(child.pid, 'VmHWM'));
    };
    const timer = setInterval(poll, 50);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('exit', () => clearInterval(timer));
    child.on('close', (code) => {
      resolve({ code, seconds: (performance.now() - start) / 1000, peakMb: Math.round(peakKb / 1024), stdout, stderr });
    });
  });
}
