// Running `tlc` in tests: in-process through `main` (fast: no new Node and no TypeScript
// compile per call) with stdout and stderr captured, or through the real binary when the test
// is about the process itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main';

const tlc = fileURLToPath(new URL('../bin/tlc.mjs', import.meta.url));

export interface TlcResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tlc ARGS…` through the real binary in `cwd`, without colour, with `env` added. */
export function spawnTlc(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): TlcResult {
  const result = spawnSync(process.execPath, [tlc, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `tlc ARGS…` in this process from `cwd`, capturing what it writes. */
export async function runTlc(args: string[], cwd: string): Promise<TlcResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const consoleLog = console.log;
  const consoleError = console.error;
  const previous = process.cwd();
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  console.log = (...parts: unknown[]) => void out.push(`${parts.join(' ')}\n`);
  console.error = (...parts: unknown[]) => void err.push(`${parts.join(' ')}\n`);
  process.chdir(cwd);
  try {
    const status = await main(args);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(previous);
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    console.log = consoleLog;
    console.error = consoleError;
  }
}

/** A temporary folder holding the given files. */
export function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tlc-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
