// `tlc compile` end to end through the real binary: the plan on stdout, -o writing a rebased plan
// atomically, diagnostics and exit 1 on errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '@tlc/plan';

const tlc = fileURLToPath(new URL('../bin/tlc.mjs', import.meta.url));
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [tlc, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tlc-compile-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'cats.tl'), 'data "images"\nuse VGG16 freeze until block3\nhead dense 256 -> 2\nexport "models/cats"\n');
  return dir;
}

describe('tlc compile', () => {
  it('prints the plan as JSON on stdout, paths relative to the source folder', () => {
    const dir = project();
    const result = run(['compile', 'src/cats.tl'], dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.endsWith('}\n')).toBe(true);
    const plan = JSON.parse(result.stdout);
    expect(validatePlan(plan).ok).toBe(true);
    expect(plan.name).toBe('cats');
    expect(plan.data.directory).toBe('images');
    expect(plan.model.freeze.layers.at(-1)).toBe('block3_pool');
  });

  it('-o writes the plan with its paths rebased to the output folder, leaving no temporary file', () => {
    const dir = project();
    mkdirSync(path.join(dir, 'build'));
    const result = run(['compile', 'src/cats.tl', '-o', 'build/cats.plan.json'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    const plan = JSON.parse(readFileSync(path.join(dir, 'build', 'cats.plan.json'), 'utf8'));
    expect(plan.source.file).toBe('../src/cats.tl');
    expect(plan.data.directory).toBe('../src/images');
    expect(plan.export.path).toBe('../src/models/cats');
    expect(readdirSync(path.join(dir, 'build'))).toEqual(['cats.plan.json']);
  });

  it('reports diagnostics on stderr and exits 1 without a plan', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'bad.tl'), 'use VGG16 freeze until block9\nhead dense 2\n');
    const result = run(['compile', 'bad.tl', '-o', 'out.json'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error[TL2011]');
    expect(result.stderr).toContain('--> bad.tl:1:24');
    expect(readdirSync(dir)).not.toContain('out.json');
  });
});
