// A model folder is replaced whole: saved as a hidden sibling and renamed into place, so it is
// always one save or the other. These tests lay out, with real saves, what a kill at each moment
// of a save leaves (the folders renamed exactly as saveModelToDir renames them), and check that
// loading and the next save (or a resume's recoverFolder) see one whole save.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromDir, modelDirToRead, recoverFolder, saveModelToDir, WeightsError } from '../../src/index';

let dir: string;
/** A pid no process has: a save killed mid-way belongs to a process that is gone. */
let deadPid: number;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-model-dir-'));
  deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function model(units: number, value: number): tf.LayersModel {
  const input = tf.input({ shape: [4], name: 'input_1' });
  const output = tf.layers.dense({ units, name: 'fc', kernelInitializer: tf.initializers.constant({ value }) }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

async function outputOf(folder: string): Promise<number[]> {
  const loaded = await loadModelFromDir(folder);
  const out = loaded.predict(tf.ones([1, 4])) as tf.Tensor;
  const values = Array.from(out.dataSync());
  out.dispose();
  loaded.dispose();
  return values;
}

/** The parent folder's entries for `name` (the folder and any hidden sibling of a save). */
function siblings(parent: string, name: string): string[] {
  return readdirSync(parent).filter((e) => e === name || e.startsWith(`.${name}.`)).sort();
}

describe('model folders are replaced whole', () => {
  it('a save replaces the folder and leaves nothing beside it', async () => {
    const parent = join(dir, 'plain');
    const target = join(parent, 'model');
    await saveModelToDir(model(3, 1), target, { 'labels.json': '["a","b","c"]\n' });
    await saveModelToDir(model(2, 2), target, { 'labels.json': '["a","b"]\n' });
    expect(readdirSync(target).sort()).toEqual(['labels.json', 'model.json', 'weights.bin']);
    expect(siblings(parent, 'model')).toEqual(['model']);
    expect(await outputOf(target)).toEqual([8, 8]);
    expect(readFileSync(join(target, 'labels.json'), 'utf8')).toBe('["a","b"]\n');
  });

  it('killed between the two renames: loading reads the previous save, and the next save or a resume puts it back', async () => {
    const parent = join(dir, 'between');
    const target = join(parent, 'last');
    await saveModelToDir(model(3, 1), target);
    // What a save killed after its first rename leaves: the old folder aside, the new one written.
    const tag = `${deadPid}.0badf00d`;
    await saveModelToDir(model(5, 2), join(parent, 'new'));
    renameSync(join(parent, 'new'), join(parent, `.last.${tag}.tmp`));
    renameSync(target, join(parent, `.last.${tag}.old`));
    expect(existsSync(target)).toBe(false);

    expect(modelDirToRead(target)).toBe(join(parent, `.last.${tag}.old`));
    expect(await outputOf(target), 'the previous save, whole').toEqual([4, 4, 4]);

    expect(recoverFolder(target)).toMatch(/interrupted between its two renames; the previous save was put back/);
    expect(siblings(parent, 'last')).toEqual(['last']);
    expect(await outputOf(target)).toEqual([4, 4, 4]);
    expect(recoverFolder(target), 'nothing left to do').toBeNull();
  });

  it('killed while writing the new folder: the old folder is read, and the next save clears the unfinished one', async () => {
    const parent = join(dir, 'writing');
    const target = join(parent, 'best');
    await saveModelToDir(model(3, 1), target);
    const staged = join(parent, `.best.${deadPid}.12345678.tmp`);
    mkdirSync(staged);
    writeFileSync(join(staged, 'weights.bin'), new Uint8Array(7));
    expect(await outputOf(target)).toEqual([4, 4, 4]);
    await saveModelToDir(model(3, 3), target);
    expect(siblings(parent, 'best')).toEqual(['best']);
    expect(await outputOf(target)).toEqual([12, 12, 12]);
  });

  it('killed after the swap, before the old folder was removed: the new folder is read and the old one cleared', async () => {
    const parent = join(dir, 'after');
    const target = join(parent, 'model');
    await saveModelToDir(model(3, 1), target);
    await saveModelToDir(model(3, 2), join(parent, `.model.${deadPid}.abcdef01.old`));
    expect(await outputOf(target)).toEqual([4, 4, 4]);
    expect(recoverFolder(target)).toMatch(/removed what an interrupted save left/);
    expect(siblings(parent, 'model')).toEqual(['model']);
  });

  it('leaves alone what a live process is still writing', async () => {
    const parent = join(dir, 'live');
    const target = join(parent, 'model');
    await saveModelToDir(model(3, 1), target);
    const other = join(parent, `.model.${process.ppid}.abcdef01.tmp`);
    mkdirSync(other);
    expect(recoverFolder(target)).toBeNull();
    await saveModelToDir(model(3, 2), target);
    expect(existsSync(other)).toBe(true);
  });

  it('refuses to replace a folder holding files a save did not write, and leaves it as it was', async () => {
    const target = join(dir, 'foreign');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'notes.txt'), 'mine');
    writeFileSync(join(target, 'model.json'), '{}');
    const error = await saveModelToDir(model(3, 1), target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightsError);
    expect((error as Error).message).toMatch(/holds files a model save did not write \(notes\.txt\).*save to a new or empty folder/);
    expect(readdirSync(target).sort()).toEqual(['model.json', 'notes.txt']);
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('{}');
  });
});

describe('a damaged model.json as `weights "…/model.json"`', () => {
  it('is TL4401 with what is wrong: a shard cut short, a shard missing, not JSON', async () => {
    const { loadWeights } = await import('../../src/index');
    const saved = join(dir, 'damaged');
    await saveModelToDir(model(3, 1), saved);
    const shard = join(saved, 'weights.bin');
    const whole = readFileSync(shard);
    const target = model(3, 0);
    const load = () => loadWeights(target, { path: join(saved, 'model.json'), format: 'tfjs' });
    await expect(load()).resolves.toBeDefined();

    writeFileSync(shard, whole.subarray(0, 20));
    await expect(load()).rejects.toMatchObject({ code: 'TL4401', message: expect.stringMatching(/are 20 bytes where its manifest declares 60: a shard was cut short/) });
    rmSync(shard);
    await expect(load()).rejects.toMatchObject({ code: 'TL4401', message: expect.stringMatching(/names the weights shard weights\.bin, but .* does not exist/) });
    writeFileSync(join(saved, 'model.json'), '{"modelTopology": ');
    await expect(load()).rejects.toBeInstanceOf(WeightsError);
    await expect(load()).rejects.toMatchObject({ code: 'TL4401', message: expect.stringMatching(/is not valid JSON/) });
  });
});
