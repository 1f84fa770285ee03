// Paths on the command line, for every command that takes one (check, compile, fmt, run, embed,
// weights add; predict's model folder is in run.test.ts): a file that does not exist, a
// folder where a file belongs (or a file where a folder does), an empty file, a folder to write
// into that does not exist. Each is said in words with its code (TL4209 for files, TL4203 for a
// run folder, TL3101 for a plan JSON that is empty), exit 1, never a bare errno such as EISDIR.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderWith, runTlc } from './tlc';

const dir = folderWith({
  'good.tl': 'use MobileNetV2 weights none freeze none\npreprocess rescale 1/255\nhead dense 2\n',
  'empty.json': '',
  'not-json.json': '{ "version": 1,',
});
mkdirSync(path.join(dir, 'a-folder'));
mkdirSync(path.join(dir, 'not-a-run'));
writeFileSync(path.join(dir, 'a-folder', 'x.txt'), 'x');

/** Runs tlc in `dir`; the whole of stderr must say `says`, with nothing on stdout and exit 1. */
async function refused(args: string[], says: RegExp): Promise<void> {
  const result = await runTlc(args, dir);
  expect(result.stderr).toMatch(says);
  expect(result.stderr).not.toMatch(/\bE[A-Z]{3,}\b/);
  expect(result.status).toBe(1);
}

describe('paths on the command line', () => {
  it('check, compile and fmt: a missing file, a folder', async () => {
    await refused(['check', 'nope.tl'], /^error\[TL4209\]: cannot read nope\.tl: it does not exist\nhelp: give a \.tl file\n/);
    await refused(['check', 'a-folder'], /^error\[TL4209\]: a-folder is a folder, not a file\nhelp: give a \.tl file\nchecked 0 files: no problems; 1 could not be read\n$/);
    await refused(['compile', 'a-folder'], /^error\[TL4209\]: a-folder is a folder, not a file\nhelp: give a \.tl file\n$/);
    await refused(['fmt', 'nope.tl', 'a-folder'], /^error\[TL4209\]: cannot read nope\.tl: it does not exist\nhelp: give a \.tl file\nerror\[TL4209\]: a-folder is a folder, not a file\nhelp: give a \.tl file\n$/);
  });

  it('compile -o: into a folder that does not exist, or over a folder', async () => {
    await refused(['compile', 'good.tl', '-o', path.join('no', 'such', 'plan.json')], /^error\[TL4209\]: cannot write no\/such\/plan\.json: the folder no\/such does not exist\n$/);
    await refused(['compile', 'good.tl', '-o', 'a-folder'], /^error\[TL4209\]: cannot write a-folder: it is a folder; give a file name\n$/);
  });

  it('run and embed: a folder where the pipeline file belongs (embed printed a raw EISDIR), a missing file, an empty or broken plan JSON', async () => {
    await refused(['embed', 'a-folder', 'a-folder'], /^error\[TL4209\]: a-folder is a folder, not a file\nhelp: give a \.tl file or a plan JSON\n$/);
    await refused(['run', 'a-folder'], /^error\[TL4209\]: a-folder is a folder, not a file\nhelp: give a \.tl file or a plan JSON\n$/);
    await refused(['run', 'nope.tl'], /^error\[TL4209\]: cannot read nope\.tl: it does not exist\nhelp: give a \.tl file or a plan JSON\n$/);
    await refused(['run', 'empty.json'], /^error\[TL3101\]: empty\.json is empty\nhelp: a plan JSON is what `tlc compile FILE\.tl -o plan\.json` writes\n$/);
    await refused(['run', 'not-json.json'], /^error\[TL3101\]: not-json\.json is not valid JSON \(.+\)\nhelp: a plan JSON is what/);
  });

  it('run --resume: a run folder that does not exist, a file, a folder that is not a run', async () => {
    await refused(['run', '--resume', 'nowhere'], /^error\[TL4203\]: nothing to resume: the run folder nowhere does not exist\nhelp: give the folder a run made/);
    await refused(['run', '--resume', 'good.tl'], /^error\[TL4203\]: nothing to resume: good\.tl is a file, not a run folder/);
    await refused(['run', '--resume', 'not-a-run'], /^error\[TL4203\]: nothing to resume: not-a-run holds no plan\.json, so it is not a run folder/);
  });

  it('run --resume: a damaged state.json is TL4203 saying so, not a bare JSON error', async () => {
    writeFileSync(path.join(dir, 'with-data.tl'), 'data "." { image 32x32 }\nuse MobileNet alpha 0.25 weights none freeze none\nhead dense 2\n');
    mkdirSync(path.join(dir, 'damaged', 'checkpoints', 'last'), { recursive: true });
    expect((await runTlc(['compile', 'with-data.tl', '-o', path.join('damaged', 'plan.json')], dir)).status).toBe(0);
    writeFileSync(path.join(dir, 'damaged', 'checkpoints', 'last', 'model.json'), '{}');
    writeFileSync(path.join(dir, 'damaged', 'state.json'), '{ "version": 1, "stage');
    await refused(['run', '--resume', 'damaged'], /error\[TL4203\]: damaged\/state\.json is damaged \(not valid JSON\)/);
    writeFileSync(path.join(dir, 'damaged', 'state.json'), '[1]');
    await refused(['run', '--resume', 'damaged'], /error\[TL4203\]: damaged\/state\.json is damaged \(not a JSON object\)/);
  });

  it('run --resume: a folder another live tlc process holds (lock.json) is TL4203 and left as it is; a stale lock is taken over and removed', async () => {
    writeFileSync(path.join(dir, 'locked.tl'), 'data "." { image 32x32 }\nuse MobileNet alpha 0.25 weights none freeze none\nhead dense 2\n');
    mkdirSync(path.join(dir, 'locked'));
    expect((await runTlc(['compile', 'locked.tl', '-o', path.join('locked', 'plan.json')], dir)).status).toBe(0);
    const lock = path.join(dir, 'locked', 'lock.json');
    // A live process (this test's sleep) on this host holds it.
    const sleeper = spawn('sleep', ['60']);
    try {
      writeFileSync(lock, JSON.stringify({ pid: sleeper.pid, host: hostname(), started: null }));
      await refused(['run', '--resume', 'locked'], new RegExp(`error\\[TL4203\\]: locked is in use: tlc process ${sleeper.pid} on .* is running or resuming this run now`));
      expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(sleeper.pid);
    } finally {
      sleeper.kill();
    }
    // Its process gone, the lock is stale: the resume goes on (to the next check: no epoch yet) and leaves no lock.
    await new Promise((done) => sleeper.once('exit', done));
    await refused(['run', '--resume', 'locked'], /error\[TL4203\]: locked has no completed epoch to resume from/);
    expect(existsSync(lock)).toBe(false);
  });

  it('weights add: a file that does not exist, a folder', async () => {
    await refused(['weights', 'add', 'nope.h5', 'a-folder'], /^error\[TL4209\]: cannot read nope\.h5: it does not exist\nhelp: give a Keras `_notop\.h5` file you downloaded\nerror\[TL4209\]: a-folder is a folder, not a file\n/);
  });
});
