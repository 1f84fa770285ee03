// `tlc check`: exit codes 0 / 1 / 2 (once through the real binary), rustc-style and JSON output.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useColor } from '../src/color';
import { folderWith, runTlc, spawnTlc } from './tlc';

const files = {
  'good.tl': 'use ResNet50V2 weights imagenet freeze until block4; head dense 256 -> 2; preprocess native\n',
  'warn.tl': 'use ResNet50 weights imagenet\npreprocess rescale 1/255\nhead dense 2\n',
  'bad.tl': 'use resnet50v2 weights imagenet\nhead dense 2\n',
  'plan-problem.tl': 'use VGG16 weights "w.xyz"\nhead dense 2\n',
};

describe('tlc check', () => {
  const dir = folderWith(files);

  it('exits 0 on a clean file and on warnings only', async () => {
    const result = await runTlc(['check', 'good.tl', 'warn.tl'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('warning[TL2006]');
    expect(result.stderr).toBe('checked 2 files: 1 warning\n');
  });

  it('exits 1 on errors and prints them rustc-style without colour', async () => {
    const result = await runTlc(['check', 'bad.tl'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      [
        'error[TL2001]: unknown model `resnet50v2`',
        '  --> bad.tl:1:5',
        '  |',
        '1 | use resnet50v2 weights imagenet',
        '  |     ^^^^^^^^^^',
        '  = note: model names are case-sensitive Keras names',
        '  = help: did you mean `ResNet50V2`?',
        '',
        '',
      ].join('\n'),
    );
  });

  it('reports what only compiling to a plan finds (TL3xxx), as `tlc compile` would', async () => {
    const result = await runTlc(['check', 'plan-problem.tl'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('error[TL3003]');
    expect(result.stdout).toContain('  --> plan-problem.tl:1:19');
  });

  it('prints JSON with --format json', async () => {
    const result = await runTlc(['check', '--format', 'json', 'bad.tl', 'good.tl'], dir);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        code: 'TL2001',
        severity: 'error',
        message: 'unknown model `resnet50v2`',
        file: 'bad.tl',
        range: { start: { line: 1, column: 5 }, end: { line: 1, column: 15 } },
        help: 'did you mean `ResNet50V2`?',
        notes: ['model names are case-sensitive Keras names'],
      },
    ]);
  });

  it('exits 2 on bad usage and 1 on a missing file', async () => {
    expect((await runTlc(['check'], dir)).status).toBe(2);
    const bad = await runTlc(['check', '--format', 'yaml', 'good.tl'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('usage: tlc check FILE…');
    const unknown = await runTlc(['check', '--bogus', 'good.tl'], dir);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("tlc check: Unknown option '--bogus'\nusage: tlc check FILE… [--format pretty|json]\nRun `tlc check --help` for more.\n");
    const missing = await runTlc(['check', 'nope.tl'], dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('error[TL4209]: cannot read nope.tl: it does not exist\nhelp: give a .tl file\nchecked 0 files: no problems; 1 could not be read\n');
  });

  it('sets the exit code of the real process', () => {
    const result = spawnTlc(['check', 'bad.tl'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('error[TL2001]');
  });

  it('prints help with an example', async () => {
    const result = await runTlc(['check', '--help'], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Example:\n  tlc check');
  });

  it('colours only on a terminal and never with NO_COLOR', async () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(useColor({ isTTY: true } as NodeJS.WriteStream)).toBe(true);
      expect(useColor({ isTTY: false } as NodeJS.WriteStream)).toBe(false);
      process.env.NO_COLOR = '1';
      expect(useColor({ isTTY: true } as NodeJS.WriteStream)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  it('answers a 1 MiB file of nested blocks (a RangeError before): the first 50 diagnostics and a count of the rest', async () => {
    const big = folderWith({ 'nested.tl': 'train { '.repeat((1 << 20) / 8) });
    const checked = await runTlc(['check', 'nested.tl'], big);
    expect(checked.status).toBe(1);
    expect(checked.stdout.match(/^error\[/gm)).toHaveLength(50);
    expect(checked.stdout).toMatch(/… and [\d,]+ more diagnostics not shown \([\d,]+ errors\)/);
    expect(checked.stdout.length).toBeLessThan(100_000);
    expect(checked.stderr).toMatch(/^checked 1 file: \d+ errors\n$/);
    const json = await runTlc(['check', '--format', 'json', 'nested.tl'], big);
    expect(JSON.parse(json.stdout).length).toBe(Number(/(\d+) errors/.exec(checked.stderr)![1]));
    for (const command of [['compile', 'nested.tl'], ['fmt', 'nested.tl']]) {
      const result = await runTlc(command, big);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('more diagnostics not shown');
      expect(result.stderr.length).toBeLessThan(100_000);
    }
  });

  it('reports folders and weights files that are not there, relative to the .tl file, wherever it is run from', async () => {
    const dir = folderWith({});
    mkdirSync(path.join(dir, 'pipelines', 'data', 'pets', 'cat'), { recursive: true });
    mkdirSync(path.join(dir, 'pipelines', 'data', 'pets', 'dog'));
    writeFileSync(path.join(dir, 'pipelines', 'pets.tl'), 'data "data/pets"\nuse VGG16 weights "vgg16.h5" freeze all\npreprocess native\nhead dense 2\nevaluate "data/test"\n');
    const result = await runTlc(['check', 'pipelines/pets.tl'], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('error[TL2029]: weights file "vgg16.h5" does not exist');
    expect(result.stdout).toContain('error[TL2028]: evaluation folder "data/test" does not exist');
    expect(result.stdout).not.toContain('data folder');
    expect(result.stderr).toBe('checked 1 file: 2 errors\n');
    writeFileSync(path.join(dir, 'pipelines', 'vgg16.h5'), '');
    mkdirSync(path.join(dir, 'pipelines', 'data', 'test'));
    expect((await runTlc(['check', 'pets.tl'], path.join(dir, 'pipelines'))).status).toBe(0);
  });
});
