// The one-time note of a tfjs run that PyTorch would train faster: printed once when a whole
// network trains on wasm and torch is importable, with the measured factor; never with
// TLC_NO_TORCH_HINT=1, never for a small trainable part or a native backend.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HINT_MIN_TRAINED_PARAMS, TORCH_OVER_WASM, torchHint } from '../../../src/engines/torch/hint';
import { tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch } from './torch-env';

const tlc = fileURLToPath(new URL('../../../../cli/bin/tlc.mjs', import.meta.url));
let baseDir: string;

beforeAll(async () => {
  baseDir = tempDir('torch-hint');
  await writeImageFolder(join(baseDir, 'data'), 4);
  // MobileNet 0.25 whole: about 200k convolution weights train.
  writeFileSync(join(baseDir, 'whole.tl'), [
    'data "data" {', '  image 32x32 grayscale', '  batch 8', '}',
    'use MobileNet alpha 0.25 weights none freeze none', 'preprocess rescale 1/255', 'head dense 2',
    'train {', '  epochs 1', '}', '',
  ].join('\n'));
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

describe('the note itself', () => {
  it('gives the measured factor on wasm, "more than" on cpu, nothing on native backends or small parts', () => {
    const big = HINT_MIN_TRAINED_PARAMS * 2;
    expect(torchHint('wasm', big)).toContain(`\`--engine torch\` would be about ${TORCH_OVER_WASM.toFixed(1)}x faster here`);
    expect(torchHint('cpu', big)).toContain('would be more than');
    expect(torchHint('tensorflow', big)).toBeNull();
    expect(torchHint('webgpu', big)).toBeNull();
    expect(torchHint('wasm', HINT_MIN_TRAINED_PARAMS - 1)).toBeNull();
  });
});

describeTorch('a tfjs run on wasm with PyTorch installed', () => {
  const run = (out: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [tlc, 'run', 'whole.tl', '--backend', 'wasm', '--out', out], { cwd: baseDir, encoding: 'utf8', env: { ...process.env, ...env } });

  it('says once that --engine torch would be faster, unless TLC_NO_TORCH_HINT=1', () => {
    const said = run('run-1');
    expect(said.status, said.stderr).toBe(0);
    expect(said.stdout.split('\n').filter((l) => l.includes('--engine torch` would be'))).toHaveLength(1);
    const quiet = run('run-2', { TLC_NO_TORCH_HINT: '1' });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stdout).not.toContain('--engine torch` would be');
  }, 300_000);
});
