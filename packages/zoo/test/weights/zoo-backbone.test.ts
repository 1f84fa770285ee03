// Zoo backbones end to end with the loader: MobileNetV2 (alpha 0.35, 96x96) and MobileNetV3Small
// (layer names with `/`, nested groups in the file) built by the zoo, their weights written as
// Keras writes them, loaded by name into a fresh build; the catalog's firstConv adapted for a
// grayscale build; and InceptionV3 loaded by order (the catalog's weightsMatch) from a file with
// Keras 2.0's automatic names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone, findModel } from '../../src/index';
import { loadWeights } from '../../src/weights/index';
import h5wasm from 'h5wasm/node';
import { writeModelAsKeras2H5 } from './keras-h5-writer';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-zoo-weights-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weightsOf = (model: tf.LayersModel) => model.layers.flatMap((l) => l.getWeights().map((t) => t.dataSync() as Float32Array));

/** The root `layer_names` attribute of a Keras 2 weights file. */
async function layerNamesIn(path: string): Promise<string[]> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'r');
  try {
    return (file.attrs['layer_names'].value as Uint8Array[]).map((v) => Buffer.from(v).toString('utf8'));
  } finally {
    file.close();
  }
}

/** The names of the target's weights whose values differ from the source's (bytes compared: fast). */
function differingWeights(source: tf.LayersModel, target: tf.LayersModel): string[] {
  const [a, b] = [weightsOf(source), weightsOf(target)];
  const names = source.layers.flatMap((l) => l.weights.map((w) => w.originalName));
  const bytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return names.filter((_, i) => !b[i] || !bytes(a[i]).equals(bytes(b[i])));
}

describe('MobileNetV2 weights round trip', () => {
  it('loads every layer with weights by name into a fresh build', async () => {
    const source = buildBackbone('MobileNetV2', { inputShape: [96, 96, 3], alpha: 0.35 });
    const file = join(dir, 'mobilenet_v2_0.35_96_no_top.h5');
    await writeModelAsKeras2H5(file, source);
    const target = buildBackbone('MobileNetV2', { inputShape: [96, 96, 3], alpha: 0.35, init: 'zeros' });
    const report = await loadWeights(target, { path: file });
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(report.matched).toEqual(source.layers.filter((l) => l.weights.length > 0).map((l) => l.name));
    expect(weightsOf(target).length).toBe(weightsOf(source).length);
    expect(differingWeights(source, target)).toEqual([]);
    source.dispose();
    target.dispose();
  });

  it("adapts the catalog's first convolution for a grayscale build", async () => {
    const source = buildBackbone('MobileNetV2', { inputShape: [96, 96, 3], alpha: 0.35 });
    const file = join(dir, 'mobilenet_v2_rgb.h5');
    await writeModelAsKeras2H5(file, source);
    const firstConv = findModel('MobileNetV2')!.firstConv;
    const gray = buildBackbone('MobileNetV2', { inputShape: [96, 96, 1], alpha: 0.35, init: 'zeros' });
    const report = await loadWeights(gray, { path: file }, { firstConv: { layer: firstConv, method: 'sum' } });
    expect(report.adapted).toEqual({ layer: firstConv, method: 'sum' });
    expect(report.skipped).toEqual([]);
    const expected = tf.sum(source.getLayer(firstConv).getWeights()[0], 2, true);
    expect(Array.from(gray.getLayer(firstConv).getWeights()[0].dataSync())).toEqual(Array.from(expected.dataSync()));
    expected.dispose();
    source.dispose();
    gray.dispose();
  });
});

describe('MobileNetV3Small weights round trip (layer names like `Conv/BatchNorm`)', () => {
  it('loads every layer with weights by name, the nested ones included', async () => {
    const source = buildBackbone('MobileNetV3Small', { inputShape: [32, 32, 3] });
    const slashed = source.layers.filter((l) => l.weights.length > 0 && l.name.includes('/')).map((l) => l.name);
    expect(slashed).toContain('Conv/BatchNorm');
    expect(slashed).toContain('expanded_conv_3/squeeze_excite/Conv');
    const file = join(dir, 'mobilenet_v3_small_notop.h5');
    await writeModelAsKeras2H5(file, source);
    const target = buildBackbone('MobileNetV3Small', { inputShape: [32, 32, 3], init: 'zeros' });
    const report = await loadWeights(target, { path: file });
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(report.matched).toEqual(source.layers.filter((l) => l.weights.length > 0).map((l) => l.name));
    expect(weightsOf(target).length).toBe(weightsOf(source).length);
    expect(differingWeights(source, target)).toEqual([]);
    source.dispose();
    target.dispose();
  });
});

describe("InceptionV3 with the catalog's weightsMatch (automatic names numbered from 1 in the file)", () => {
  /** Keras 2.0's automatic names, one up from the builder's: `conv2d` -> `conv2d_1`, `conv2d_1` -> `conv2d_2`. */
  const keras20Name = (name: string) =>
    name.replace(/^(conv2d|batch_normalization)(?:_(\d+))?$/, (_, base: string, n?: string) => `${base}_${Number(n ?? 0) + 1}`);

  it('loads every weighted layer into its own layer by order', async () => {
    const source = buildBackbone('InceptionV3', { inputShape: [75, 75, 3] });
    const file = join(dir, 'inception_v3_notop.h5');
    await writeModelAsKeras2H5(file, source, keras20Name);
    const names = await layerNamesIn(file);
    expect(names).toContain('conv2d_94'); // the builder's last automatic convolution is conv2d_93
    expect(names).not.toContain('conv2d');
    const match = findModel('InceptionV3')!.weightsMatch;
    expect(match).toBe('order');
    const target = buildBackbone('InceptionV3', { inputShape: [75, 75, 3], init: 'zeros' });
    const report = await loadWeights(target, { path: file }, { match });
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(report.matched).toEqual(source.layers.filter((l) => l.weights.length > 0).map((l) => l.name));
    expect(differingWeights(source, target)).toEqual([]);
    source.dispose();
    target.dispose();
  }, 60_000);
});
