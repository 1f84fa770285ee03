// `tlc fmt` in process: print, --check, atomic --write, files with syntax errors.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderWith, runTlc } from './tlc';

const messy = 'use VGG16   weights imagenet;head dense 2 # two\n';
const tidy = 'use VGG16 weights imagenet\nhead dense 2  # two\n';

const examples = path.join(import.meta.dirname, '../../../examples');

describe('tlc fmt', () => {
  it('--check passes on every example the repository ships', async () => {
    const files = readdirSync(examples).filter((f) => f.endsWith('.tl')).sort();
    expect(files.length).toBeGreaterThanOrEqual(8);
    const result = await runTlc(['fmt', '--check', ...files], examples);
    expect(result.stdout, 'examples `tlc fmt` would change').toBe('');
    expect(result.status).toBe(0);
  });

  it('prints the formatted text', async () => {
    const dir = folderWith({ 'a.tl': messy });
    const result = await runTlc(['fmt', 'a.tl'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(tidy);
  });

  it('--check lists unformatted files and exits 1', async () => {
    const dir = folderWith({ 'a.tl': messy, 'b.tl': tidy });
    const result = await runTlc(['fmt', '--check', 'a.tl', 'b.tl'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('a.tl\n');
    expect((await runTlc(['fmt', '--check', 'b.tl'], dir)).status).toBe(0);
  });

  it('--write rewrites in place, leaving no temporary file', async () => {
    const dir = folderWith({ 'a.tl': messy });
    expect((await runTlc(['fmt', '--write', 'a.tl'], dir)).status).toBe(0);
    expect(readFileSync(path.join(dir, 'a.tl'), 'utf8')).toBe(tidy);
    expect(readdirSync(dir)).toEqual(['a.tl']);
  });

  it('leaves a file with syntax errors alone and exits 1; refuses --check with --write', async () => {
    const dir = folderWith({ 'bad.tl': 'use VGG16\nhead dense\n' });
    const result = await runTlc(['fmt', '--write', 'bad.tl'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error[TL1007]');
    expect(readFileSync(path.join(dir, 'bad.tl'), 'utf8')).toBe('use VGG16\nhead dense\n');
    expect((await runTlc(['fmt', '--check', '--write', 'bad.tl'], dir)).status).toBe(2);
  });
});
