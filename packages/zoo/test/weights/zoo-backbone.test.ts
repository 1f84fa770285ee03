// A zoo backbone end to end with the loader: MobileNetV2 (alpha 0.35, 96x96) built by the zoo,
// its weights written as Keras writes them, loaded by name into a fresh build; and the catalog's
// firstConv adapted for a grayscale build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone, findModel } from '../../src/index';
import { loadWeights } from '../../src/weights/index';
import { writeModelAsKeras2H5 } from './keras-h5-writer';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-zoo-weights-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weightsOf = (model: tf.LayersModel) => model.layers.flatMap((l) => l.getWeights().map((t) => t.dataSync()));

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
    const [a, b] = [weightsOf(source), weightsOf(target)];
    expect(b.length).toBe(a.length);
    a.forEach((values, i) => expect(b[i]).toEqual(values));
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
