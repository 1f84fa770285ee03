// `tlc weights`: `add` puts a hand-downloaded file into the cache after checking it (exit 0, what
// it checked), refuses a bad one with its code (exit 1, cache untouched); `list` shows the shipped
// file and the cache, as text and JSON; `--help` explains both; a wrong action is a usage error.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedWeightsDir } from '@tlc/zoo';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTlc } from './tlc';

const REAL = join(shippedWeightsDir(), 'mobilenet_2_5_224_tf_no_top.h5');
let home: string;
let downloads: string;
const saved = process.env.TLC_HOME;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tlc-cli-weights-'));
  downloads = mkdtempSync(join(tmpdir(), 'tlc-cli-downloads-'));
  process.env.TLC_HOME = home;
});
afterEach(() => {
  process.env.TLC_HOME = saved;
  rmSync(home, { recursive: true, force: true });
  rmSync(downloads, { recursive: true, force: true });
});

const cached = () => (existsSync(join(home, 'weights')) ? readdirSync(join(home, 'weights')) : []);

describe('tlc weights', () => {
  it('add checks a downloaded file by hash and copies it into the cache; list shows it', async () => {
    copyFileSync(REAL, join(downloads, 'mobilenet_2_5_224_tf_no_top.h5'));
    const added = await runTlc(['weights', 'add', 'mobilenet_2_5_224_tf_no_top.h5'], downloads);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(added.stdout).toBe(`added: ${join(home, 'weights', 'mobilenet_2_5_224_tf_no_top.h5')}\n  for MobileNet alpha 0.25; sha256 verified\n`);
    expect(cached()).toEqual(['mobilenet_2_5_224_tf_no_top.h5']);

    const listed = await runTlc(['weights', 'list'], downloads);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^shipped +mobilenet_2_5_224_tf_no_top\.h5 +2\.1 MB +verified +MobileNet alpha 0\.25$/m);
    expect(listed.stdout).toMatch(/^cache +mobilenet_2_5_224_tf_no_top\.h5 +2\.1 MB +verified +MobileNet alpha 0\.25$/m);
    const json = JSON.parse((await runTlc(['weights', 'list', '--json'], downloads)).stdout) as { where: string; status: string; models: string[] }[];
    expect(json.map((f) => [f.where, f.status, f.models])).toEqual([
      ['shipped', 'verified', ['MobileNet alpha 0.25']],
      ['cache', 'verified', ['MobileNet alpha 0.25']],
    ]);
  });

  it('refuses a damaged file with its code and exit 1, adding the good files given with it', async () => {
    writeFileSync(join(downloads, 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5'), '<html>rate limited</html>');
    copyFileSync(REAL, join(downloads, 'mobilenet.h5'));
    const result = await runTlc(['weights', 'add', 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5', 'mobilenet.h5'], downloads);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error\[TL4401\]: .*resnet50_weights_tf_dim_ordering_tf_kernels_notop\.h5 is not an HDF5 file/);
    expect(cached()).toEqual(['mobilenet_2_5_224_tf_no_top.h5']);
  });

  it('explains itself, and refuses an unknown action with a usage error', async () => {
    const help = await runTlc(['weights', '--help'], downloads);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: tlc weights add FILE… | tlc weights list [--json]');
    expect(help.stdout).toMatch(/TL4401[\s\S]*TL4402[\s\S]*TL4403/);
    const wrong = await runTlc(['weights', 'remove', 'x.h5'], downloads);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('unknown action `remove` (expected `add` or `list`)');
    expect((await runTlc(['weights', 'add'], downloads)).status).toBe(2);
  });
});
