// The fault suite's counters: each test file counts what it fuzzed, injected and checked; its
// afterAll writes them to a folder shared by this vitest run and prints the totals of every file
// finished so far, so the last file to finish prints the suite's totals (files run in parallel
// forks, in any order).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { afterAll } from 'vitest';

export interface FaultCounts {
  inputsFuzzed: number;
  faultsInjected: number;
  filesChecked: number;
}

/** The fault suite's files; the totals line says how many of them have reported. */
const SUITE_FILES = ['fuzz', 'plans', 'data', 'weights', 'training'];

/**
 * The vitest process that started this run: a fork's parent, or this process when tests run in
 * worker threads. Its pid names the folder every file of the run reports into.
 */
function runFolder(): string {
  const runner = isMainThread ? process.ppid : process.pid;
  return path.join(tmpdir(), `tlc-fault-counts-${runner}`);
}

/** Counters for one test file, reported when the file's tests are done. */
export function faultCounts(file: string): FaultCounts {
  const counts: FaultCounts = { inputsFuzzed: 0, faultsInjected: 0, filesChecked: 0 };
  afterAll(() => {
    const folder = runFolder();
    mkdirSync(folder, { recursive: true });
    const target = path.join(folder, `${file}.json`);
    writeFileSync(`${target}.${process.pid}.tmp`, JSON.stringify(counts));
    renameSync(`${target}.${process.pid}.tmp`, target);
    console.log(`faults/${file}: ${describe(counts)}`);
    const reported = readdirSync(folder).filter((f) => f.endsWith('.json'));
    const totals: FaultCounts = { inputsFuzzed: 0, faultsInjected: 0, filesChecked: 0 };
    for (const name of reported) {
      const c = JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as FaultCounts;
      totals.inputsFuzzed += c.inputsFuzzed;
      totals.faultsInjected += c.faultsInjected;
      totals.filesChecked += c.filesChecked;
    }
    const done = reported.filter((f) => SUITE_FILES.includes(f.replace(/\.json$/, ''))).length;
    console.log(`fault suite totals (${done} of ${SUITE_FILES.length} files reported): ${describe(totals)}`);
    if (done === SUITE_FILES.length) rmSync(folder, { recursive: true, force: true });
  });
  return counts;
}

function describe(c: FaultCounts): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(c.inputsFuzzed)} inputs fuzzed, ${n(c.faultsInjected)} faults injected, ${n(c.filesChecked)} files checked`;
}
