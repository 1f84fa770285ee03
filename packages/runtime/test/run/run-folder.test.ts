// The run folder is claimed, never reused: --out must be absent or empty (TL4206 otherwise, saying
// what the folder holds), and two runs that start together never share a folder.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunError } from '../../src/index';
import { assertRunDirFree, createRunDir } from '../../src/run/run-folder';
import { tempDir } from './fixtures';

function refusal(fn: () => unknown): RunError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RunError);
    return error as RunError;
  }
  throw new Error('not refused');
}

describe('the run folder', () => {
  it('takes an absent or empty --out folder, and refuses one that holds anything (TL4206)', () => {
    const base = tempDir('run-folder');
    expect(createRunDir('p', base, join(base, 'new', 'run'))).toBe(join(base, 'new', 'run'));
    mkdirSync(join(base, 'empty'));
    expect(createRunDir('p', base, join(base, 'empty'))).toBe(join(base, 'empty'));
    const taken = refusal(() => createRunDir('p', base, join(base, 'empty')));
    expect(taken.code).toBe('TL4206');
    expect(taken.message).toMatch(/empty holds a run that stopped before its first epoch completed|empty is not empty/);

    mkdirSync(join(base, 'finished', 'model'), { recursive: true });
    writeFileSync(join(base, 'finished', 'model', 'model.json'), '{}');
    expect(refusal(() => assertRunDirFree(join(base, 'finished'))).message).toMatch(/holds a finished run/);
    mkdirSync(join(base, 'mine'));
    writeFileSync(join(base, 'mine', 'notes.txt'), 'x');
    expect(refusal(() => createRunDir('p', base, join(base, 'mine'))).message).toMatch(/mine is not empty/);
    expect(readdirSync(join(base, 'mine'))).toEqual(['notes.txt']);
  });

  it('gives runs of the same pipeline in the same second distinct folders', () => {
    const base = tempDir('run-folder');
    const dirs = [createRunDir('same', base), createRunDir('same', base), createRunDir('same', base)];
    expect(new Set(dirs).size).toBe(3);
    for (const dir of dirs) expect(readdirSync(dir)).toEqual(['checkpoints']);
  });
});
