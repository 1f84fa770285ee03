// `tlc lr-find` end to end on a small real PNG folder: the suggestion and the line to paste
// (with --json, the last stdout line), its folder and nothing else, usage errors, and Ctrl-C
// (the real binary: exit 130, its folder removed, nothing left behind).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeImageFolder } from '../../runtime/test/run/fixtures';
import { runTlc } from './tlc';

const SOURCE = `pipeline "finder"

data "data" {
  image 32x32 grayscale
  validation 25% seed 7
  batch 8
}

use MobileNet alpha 0.25 weights none freeze none cut after block3
preprocess rescale 1/255
head dense 2

train {
  epochs 2
  optimizer adam lr 1e-2
}

export "model"
`;

let dir: string;

beforeAll(async () => {
  dir = tempDir('cli-lr-find');
  await writeImageFolder(path.join(dir, 'data'), 8);
  writeFileSync(path.join(dir, 'finder.tl'), SOURCE);
});

describe('tlc lr-find', () => {
  it('prints the suggestion and the line to paste, and writes only its folder', async () => {
    const result = await runTlc(['lr-find', 'finder.tl', '--steps', '20', '--json', '--backend', 'wasm'], dir);
    expect(result.stderr).toMatch(/^backend: wasm/);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/suggested learning rate: \d\.\d\de-\d+/);
    expect(result.stderr).toMatch(/paste into stage train: {2}lr \S+/);
    const lines = result.stdout.trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1]!);
    expect(json.line).toMatch(/^lr /);
    expect(json.suggestion).toBeGreaterThanOrEqual(1e-7);
    expect(json.suggestion).toBeLessThanOrEqual(10);
    expect(path.dirname(json.outDir)).toBe(path.join(dir, 'lr-find', 'finder'));
    expect(readdirSync(json.outDir).sort()).toEqual(['lr-find.csv', 'lr-find.html', 'lr-find.json']);
    expect(readdirSync(dir).sort()).toEqual(['data', 'finder.tl', 'lr-find']);
  });

  it('refuses a range that does not grow, and a test too short for a suggestion (under 20 steps)', async () => {
    const backwards = await runTlc(['lr-find', 'finder.tl', '--start', '1', '--end', '1e-3'], dir);
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toContain('--end (0.001) must be above --start (1)');
    expect((await runTlc(['lr-find', 'finder.tl', '--steps', '1'], dir)).status).toBe(2);
    // 3 steps suggested the start rate itself (1e-7), whatever the data.
    const short = await runTlc(['lr-find', 'finder.tl', '--steps', '19'], dir);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('--steps must be a whole number of at least 20 (got `19`)');
    expect((await runTlc(['lr-find', 'finder.tl', '--start', '0'], dir)).status).toBe(2);
    expect((await runTlc(['lr-find', '--help'], dir)).stdout).toContain('fastai');
  });

  it('stops on Ctrl-C with exit 130, its folder removed', async () => {
    const tlc = fileURLToPath(new URL('../bin/tlc.mjs', import.meta.url));
    const out = path.join(dir, 'interrupted');
    const child = spawn(process.execPath, [tlc, 'lr-find', 'finder.tl', '--steps', '100000', '--backend', 'wasm', '--out', out], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // Signalled once the steps have begun (the feature cache is built and the folder made).
        if (stdout.includes('lr-find: stage train')) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(stderr).toContain('tlc lr-find: interrupted');
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
