// `pnpm bench`: runs every benchmark in this folder (each file's default export), prints a table per
// benchmark and writes them all to bench/results.json. Benchmarks measure; they never assert.
import { readdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchResult {
  title: string;
  rows: Record<string, string | number>[];
}

function printTable({ title, rows }: BenchResult): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v ?? ''));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(columns.map((c) => cell(r[c]))));
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<BenchResult> };
  const result = await mod.default();
  printTable(result);
  results.push(result);
}
const out = join(here, 'results.json');
writeFileSync(`${out}.tmp`, JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
renameSync(`${out}.tmp`, out);
console.log(`\nwrote ${out}`);
