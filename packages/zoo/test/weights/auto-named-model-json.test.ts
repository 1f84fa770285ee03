// Issue 13 item 1: a TensorFlow.js model.json converted from an older Keras, whose layers carry
// automatic names numbered from 1 and whose weights manifest is sorted by name, loads into every
// zoo family that pairs weights by order (the catalog's `weightsMatch`) with every weight in its
// own layer: pooled features equal the original model's. The pairing follows the layer order of
// the file's `modelTopology`, not the manifest's order; a pair in doubt stops the load with TL4404
// naming the layer; and after a load, the weights no file value reached are named.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone, findModel, listModels } from '../../src/index';
import { formatWeightsReport, loadWeights, saveModelToDir, WeightsError } from '../../src/weights/index';
import { keras20Names, writeAutoNamedModelJson } from './model-json-converter';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-auto-named-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Global average pooling of the backbone's output for a fixed random image. */
function pooledFeatures(model: tf.LayersModel, size: number): Float32Array {
  return tf.tidy(() => {
    const images = tf.randomUniform([1, size, size, 3], -1, 1, 'float32', 7);
    return (model.predict(images) as tf.Tensor4D).mean([1, 2]).dataSync() as Float32Array;
  });
}

const byOrder = listModels().filter((m) => m.weightsMatch === 'order');

describe('model.json with automatic layer names, manifest sorted by name', () => {
  it('covers every family that loads by order', () => {
    expect(byOrder.map((m) => m.name).sort()).toEqual(['InceptionResNetV2', 'InceptionV3', 'Xception']);
  });

  for (const entry of byOrder) {
    it(`${entry.name}: every weight lands in its own layer, pooled features equal the original's`, async () => {
      const size = entry.minInputSize;
      const source = buildBackbone(entry.name, { inputShape: [size, size, 3] });
      const folder = join(dir, entry.name);
      const manifest = await writeAutoNamedModelJson(source, folder);
      // The file is what the converter writes: renamed layers, weights sorted by name, so the
      // manifest's order is not the layers' order.
      const renames = keras20Names(source);
      expect(renames.size).toBeGreaterThan(0);
      expect(manifest).toEqual([...manifest].sort());
      const firstWeighted = source.layers.find((l) => l.weights.length > 0)!.name;
      expect(manifest[0].startsWith(`${renames.get(firstWeighted) ?? firstWeighted}/`)).toBe(false);

      const target = buildBackbone(entry.name, { inputShape: [size, size, 3], init: 'zeros' });
      const report = await loadWeights(target, { path: folder }, { match: findModel(entry.name)!.weightsMatch });
      expect(report.skipped).toEqual([]);
      expect(report.unused).toEqual([]);
      expect(report.matched).toHaveLength(source.layers.filter((l) => l.weights.length > 0).length);
      const expected = pooledFeatures(source, size);
      const actual = pooledFeatures(target, size);
      const error = Math.hypot(...actual.map((v, i) => v - expected[i])) / Math.hypot(...expected);
      expect(error).toBeLessThanOrEqual(1e-6);
      source.dispose();
      target.dispose();
    }, 180_000);
  }
});

describe('pairing by order without doubt, and every weight counted', () => {
  /** conv2d -> batch_normalization -> conv2d_1 -> conv2d_2, automatically named as Keras 3 names them. */
  function small(): tf.LayersModel {
    const input = tf.input({ shape: [8, 8, 3], name: 'input_1' });
    let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv2d' }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: 'batch_normalization' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 6, kernelSize: 1, name: 'conv2d_1' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 6, kernelSize: 1, name: 'conv2d_2' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: x });
  }

  async function rewrite(folder: string, edit: (json: tf.io.ModelJSON) => void): Promise<void> {
    const path = join(folder, 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as tf.io.ModelJSON;
    edit(json);
    writeFileSync(path, JSON.stringify(json));
  }

  it('stops with TL4404 naming the layer whose file layer the modelTopology does not place', async () => {
    const folder = join(dir, 'unplaced');
    await writeAutoNamedModelJson(small(), folder);
    await rewrite(folder, (json) => {
      const config = (json.modelTopology as { config: { layers: { name: string }[] } }).config;
      config.layers = config.layers.filter((layer) => layer.name !== 'conv2d_3');
    });
    const error = await loadWeights(small(), { path: folder }, { match: 'order' }).catch((e: unknown) => e);
    expect((error as WeightsError).code).toBe('TL4404');
    expect((error as Error).message).toContain(
      "layer conv2d_2: paired by order with the file's `conv2d_3`, a layer the file's modelTopology does not list, so its place in the order is unknown",
    );
  });

  it('stops with TL4404 when a pair has another number of weights', async () => {
    const folder = join(dir, 'no-bias');
    await writeAutoNamedModelJson(small(), folder);
    // The last weight of the manifest (sorted by name: `conv2d_3/kernel`) is dropped; its bytes stay, unread.
    await rewrite(folder, (json) => {
      expect(json.weightsManifest[0].weights.pop()!.name).toBe('conv2d_3/kernel');
    });
    const error = await loadWeights(small(), { path: folder }, { match: 'order' }).catch((e: unknown) => e);
    expect((error as WeightsError).code).toBe('TL4404');
    expect((error as Error).message).toContain("layer conv2d_2: paired by order with the file's `conv2d_3`, which has 1 weight (bias) where the model layer has 2 (kernel, bias)");
  });

  it("stops with TL4404 when a layer's weights share shapes and only a sorted manifest orders them", async () => {
    const folder = join(dir, 'unnamed-bn');
    await writeAutoNamedModelJson(small(), folder);
    // gamma, beta, moving mean and variance are all [4]: without their names, their order is a guess.
    const renamed: Record<string, string> = { gamma: 'param_2', beta: 'param_1', moving_mean: 'param_3', moving_variance: 'param_4' };
    await rewrite(folder, (json) => {
      for (const w of json.weightsManifest[0].weights) w.name = w.name.replace(/^(batch_normalization_1\/)(\w+)$/, (_, layer: string, short: string) => layer + renamed[short]);
    });
    const error = await loadWeights(small(), { path: folder }, { match: 'order' }).catch((e: unknown) => e);
    expect((error as WeightsError).code).toBe('TL4404');
    expect((error as Error).message).toContain(
      "layer batch_normalization: paired by order with the file's `batch_normalization_1`, whose weights (param_1, param_2, param_3, param_4) are not named as the model's (gamma, beta, moving_mean, moving_variance) and share shapes",
    );
  });

  it('says which weights of the model kept their initial values after a load by name', async () => {
    const folder = join(dir, 'by-name');
    const source = small();
    await saveModelToDir(source, folder);
    await rewrite(folder, (json) => {
      for (const w of json.weightsManifest[0].weights) w.name = w.name.replace(/^conv2d_1\//, 'other/');
    });
    const report = await loadWeights(small(), { path: folder });
    expect(report.skipped).toEqual([{ layer: 'conv2d_1', reason: 'not in the file' }]);
    expect(report.unassigned).toEqual(['conv2d_1/kernel', 'conv2d_1/bias']);
    expect(report.assignedTwice).toEqual([]);
    expect(formatWeightsReport(report)).toContain('2 weights of the model kept their initial values (conv2d_1/kernel, conv2d_1/bias)');
  });
});
