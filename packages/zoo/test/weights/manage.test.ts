// `tlc weights add` and `tlc weights list` underneath: files downloaded by hand are checked
// against the catalog before they enter the cache — by hash (Keras's real MobileNet 0.25 file,
// whatever its name), or by name and layers where Keras publishes no hash (a MobileNet alpha 0.5
// file written as Keras writes it) — and refused with a code when damaged (TL4401: altered
// values, cut short, not HDF5), another model's (TL4402) or unknown (TL4403), leaving the cache
// as it was. What was added is then used by `weights imagenet` without a request.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import h5wasm, { type Dataset, type Group } from 'h5wasm/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildBackbone, findModel } from '../../src/index';
import { addWeightsFile, ensureImagenetWeights, listWeightsFiles, shippedWeightsDir, WeightsError } from '../../src/weights/index';
import { writeModelAsKeras2H5 } from './keras-h5-writer';

const REAL = join(shippedWeightsDir(), 'mobilenet_2_5_224_tf_no_top.h5');
const offline: typeof fetch = () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }));

let dir: string;
let cache: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-weights-add-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'tlc-weights-cache-'));
  return () => rmSync(cache, { recursive: true, force: true });
});

const cached = () => (existsSync(join(cache, 'weights')) ? readdirSync(join(cache, 'weights')) : []);

/** The code and message `addWeightsFile` refuses a file with. */
async function refusal(path: string): Promise<{ code?: string; message: string }> {
  const error = await addWeightsFile(path, { cacheDir: cache }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeightsError);
  return { code: (error as WeightsError).code, message: (error as Error).message };
}

/** A zoo backbone's own weights written as Keras 2 writes a `_no_top.h5` file. */
async function zooFile(name: string, model: string, alpha: number): Promise<string> {
  const path = join(dir, name);
  const backbone = buildBackbone(model, { inputShape: [32, 32, 3], alpha });
  await writeModelAsKeras2H5(path, backbone);
  backbone.dispose();
  return path;
}

/** The real file with one byte of the values of `dataset` changed: its layers intact, its hash not. */
async function alteredCopy(path: string, dataset: string): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(REAL, 'r');
  const floats = ((file.get(dataset.split('/')[0]) as Group).get(dataset.slice(dataset.indexOf('/') + 1)) as Dataset).value as Float32Array;
  const values = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
  file.close();
  const bytes = readFileSync(REAL);
  const at = bytes.indexOf(values);
  expect(at).toBeGreaterThan(0);
  bytes[at + 1] ^= 0x10;
  writeFileSync(path, bytes);
}

describe('addWeightsFile', () => {
  it("identifies Keras's real file by its sha256 under any name, adds it under the catalog's name, once", async () => {
    const renamed = join(dir, 'downloaded (1).h5');
    copyFileSync(REAL, renamed);
    const added = await addWeightsFile(renamed, { cacheDir: cache });
    expect(added).toMatchObject({ checkedBy: 'sha256', outcome: 'added', path: join(cache, 'weights', 'mobilenet_2_5_224_tf_no_top.h5') });
    expect(added.known.users).toEqual([{ model: 'MobileNet', alpha: 0.25 }]);
    expect(readFileSync(added.path).equals(readFileSync(REAL))).toBe(true);
    expect((await addWeightsFile(renamed, { cacheDir: cache })).outcome).toBe('already');
    expect(cached()).toEqual(['mobilenet_2_5_224_tf_no_top.h5']);
  });

  it('checks the layers and shapes of a file Keras publishes no hash for, and `weights imagenet` then uses it offline', async () => {
    const path = await zooFile('mobilenet_5_0_224_tf_no_top.h5', 'MobileNet', 0.5);
    const added = await addWeightsFile(path, { cacheDir: cache });
    expect(added).toMatchObject({ checkedBy: 'layers', outcome: 'added' });
    expect(added.known.users).toEqual([{ model: 'MobileNet', alpha: 0.5 }]);
    const weights = findModel('MobileNet')!.weightsFor({ alpha: 0.5, inputSize: 64 })!;
    expect(await ensureImagenetWeights(weights, { cacheDir: cache, fetch: offline })).toBe(added.path);
  });

  it('refuses a file with the name and layers of the catalog file but altered values (TL4401)', async () => {
    const path = join(dir, 'altered', 'mobilenet_2_5_224_tf_no_top.h5');
    mkdirSync(join(dir, 'altered'), { recursive: true });
    await alteredCopy(path, 'conv_pw_13_bn/conv_pw_13_bn/moving_variance:0');
    const { code, message } = await refusal(path);
    expect(code).toBe('TL4401');
    expect(message).toMatch(/is damaged: its sha256 hash is [0-9a-f]{64}, expected dbdb03ee.*its layers are MobileNet alpha 0\.25's/);
    expect(cached()).toEqual([]);
  });

  it('refuses a file cut short and a file that is not HDF5 (TL4401)', async () => {
    mkdirSync(join(dir, 'short'), { recursive: true });
    const short = join(dir, 'short', 'mobilenet_2_5_224_tf_no_top.h5');
    writeFileSync(short, readFileSync(REAL).subarray(0, 1_000_000));
    expect(await refusal(short)).toEqual({ code: 'TL4401', message: expect.stringContaining('is truncated: it has 1000000 bytes, its HDF5 header says 2108140') });
    const page = join(dir, 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5');
    writeFileSync(page, '<!DOCTYPE html><html><body>Sign in to continue</body></html>');
    expect(await refusal(page)).toEqual({ code: 'TL4401', message: expect.stringContaining('is not an HDF5 file') });
    expect(cached()).toEqual([]);
  });

  it("refuses another model's weights under a catalog name, naming what differs (TL4402)", async () => {
    const path = await zooFile('mobilenet_7_5_224_tf_no_top.h5', 'MobileNetV2', 0.35);
    const { code, message } = await refusal(path);
    expect(code).toBe('TL4402');
    expect(message).toContain('holds the weights of another model, not MobileNet alpha 0.75 (mobilenet_7_5_224_tf_no_top.h5)');
    expect(message).toMatch(/layer conv1: not in the file/);
    expect(cached()).toEqual([]);
  });

  it('refuses a file whose name and hash are unknown (TL4403), suggesting the nearest name', async () => {
    const near = await zooFile('mobilenet_5_0_224_tf_notop.h5', 'MobileNet', 0.5);
    expect(await refusal(near)).toEqual({ code: 'TL4403', message: expect.stringContaining('Did you mean `mobilenet_5_0_224_tf_no_top.h5`?') });
    const mine = await zooFile('my_pets_model.h5', 'MobileNet', 0.5);
    expect(await refusal(mine)).toEqual({ code: 'TL4403', message: expect.stringContaining('is not an ImageNet weights file tlc knows') });
    expect(cached()).toEqual([]);
  });
});

describe('listWeightsFiles', () => {
  it('lists the shipped file, then the cache, each checked: verified, unverified, damaged, unknown', async () => {
    mkdirSync(join(cache, 'weights'));
    copyFileSync(await zooFile('mobilenet_5_0_224_tf_no_top.h5', 'MobileNet', 0.5), join(cache, 'weights', 'mobilenet_5_0_224_tf_no_top.h5'));
    writeFileSync(join(cache, 'weights', 'mobilenet_2_5_224_tf_no_top.h5'), 'not the file');
    writeFileSync(join(cache, 'weights', 'something_else.h5'), 'x');
    writeFileSync(join(cache, 'weights', '.mobilenet_2_5_224_tf_no_top.h5.123.ab12.part'), 'x');
    const listed = await listWeightsFiles({ cacheDir: cache });
    expect(listed.map((f) => [f.where, f.path.slice(f.path.lastIndexOf('/') + 1), f.status])).toEqual([
      ['shipped', 'mobilenet_2_5_224_tf_no_top.h5', 'verified'],
      ['cache', 'mobilenet_2_5_224_tf_no_top.h5', 'damaged'],
      ['cache', 'mobilenet_5_0_224_tf_no_top.h5', 'unverified'],
      ['cache', 'something_else.h5', 'unknown'],
    ]);
    expect(listed[0]).toMatchObject({ bytes: 2_108_140, known: { users: [{ model: 'MobileNet', alpha: 0.25 }] } });
  });
});
