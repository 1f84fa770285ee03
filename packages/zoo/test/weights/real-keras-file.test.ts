// The HDF5 reader on a real Keras file: `mobilenet_2_5_224_tf_no_top.h5`, Keras's own ImageNet
// weights for MobileNet alpha 0.25, written by Keras 2.0.4 and shipped in packages/zoo/weights/.
// Every weight of the zoo's MobileNet lands from the file once, with the file's name and shape,
// and the pooled features agree (relative error <= 1e-4) with two independent computations:
// - MobileNet v1 written out below with plain tf ops, on datasets read straight from the file
//   with h5wasm (not through the zoo's reader, builder or loader), on every run;
// - reference values computed once in float64 with NumPy and h5py by
//   ./reference/mobilenet_features.py (no TensorFlow at all), pinned in
//   ./reference/mobilenet_2_5_features.json, which also says how to recompute them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import h5wasm, { type Dataset, type File as H5File, type Group } from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone, findModel } from '../../src/index';
import { ensureImagenetWeights, loadWeights } from '../../src/weights/index';
import { openKerasH5 } from '../../src/weights/h5-reader';
import { shippedWeightsDir } from '../../src/weights/shipped';

const FILE = join(shippedWeightsDir(), 'mobilenet_2_5_224_tf_no_top.h5');
const REFERENCE = JSON.parse(
  readFileSync(fileURLToPath(new URL('./reference/mobilenet_2_5_features.json', import.meta.url)), 'utf8'),
) as { inputSize: number; batch: number; features: number[][] };
const SIZE = REFERENCE.inputSize;
/** The blocks' depthwise strides, as Keras's MobileNet has them. */
const STRIDES = [1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1];

let h5: H5File;
beforeAll(async () => {
  await tf.setBackend('cpu');
  await h5wasm.ready;
  h5 = new h5wasm.File(FILE, 'r');
});
afterAll(() => h5.close());

const strings = (value: unknown) => (value as (string | Uint8Array)[]).map((v) => (typeof v === 'string' ? v : Buffer.from(v).toString('utf8')));

/** Every dataset of the file, `layer/weight name` -> dataset, read with h5wasm alone. */
function fileDatasets(): Map<string, Dataset> {
  const datasets = new Map<string, Dataset>();
  for (const layer of strings(h5.attrs['layer_names'].value)) {
    const group = h5.get(layer) as Group;
    const names = group.attrs['weight_names'] ? strings(group.attrs['weight_names'].value) : [];
    for (const name of Array.isArray(names) ? names : []) datasets.set(`${layer}/${name}`, group.get(name) as Dataset);
  }
  return datasets;
}

/** A batch of smooth test images in [-1, 1] (MobileNet's `tf` preprocessing range), as the Python script makes them. */
function testImages(batch: number, size: number): tf.Tensor4D {
  const values = new Float32Array(batch * size * size * 3);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        for (let c = 0; c < 3; c++) {
          values[k++] = 0.9 * Math.sin(0.37 * i + 0.23 * j + 1.1 * c + 0.5 * b) * Math.cos(0.05 * i * j / size + 0.7 * b);
        }
      }
    }
  }
  return tf.tensor4d(values, [batch, size, size, 3]);
}

/**
 * MobileNet v1 (Howard et al. 2017, as keras/applications/mobilenet.py builds it) with plain tf
 * ops: a 3x3 stride-2 convolution, then 13 blocks of a 3x3 depthwise convolution (stride 2 with
 * Keras's zero padding of one row and column at the bottom and right) and a 1x1 convolution, each
 * followed by inference-mode batch normalization (epsilon 1e-3) and ReLU6; global average pooling.
 */
function plainMobileNet(images: tf.Tensor4D, datasets: Map<string, Dataset>): tf.Tensor2D {
  const weight = (key: string) => {
    const dataset = datasets.get(key);
    if (!dataset) throw new Error(`no dataset ${key}`);
    return tf.tensor(dataset.value as Float32Array, dataset.shape!, 'float32');
  };
  const batchNorm = (x: tf.Tensor4D, layer: string) => {
    const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => weight(`${layer}/${layer}/${w}:0`));
    return x.sub(mean).div(variance.add(1e-3).sqrt()).mul(gamma).add(beta) as tf.Tensor4D;
  };
  const relu6 = (x: tf.Tensor4D) => tf.minimum(tf.relu(x), 6) as tf.Tensor4D;
  return tf.tidy(() => {
    let x = tf.conv2d(tf.pad(images, [[0, 0], [0, 1], [0, 1], [0, 0]]), weight('conv1/conv1/kernel:0') as tf.Tensor4D, 2, 'valid');
    x = relu6(batchNorm(x, 'conv1_bn'));
    STRIDES.forEach((stride, index) => {
      const id = index + 1;
      const depthwise = weight(`conv_dw_${id}/conv_dw_${id}/depthwise_kernel:0`) as tf.Tensor4D;
      x = stride === 2
        ? tf.depthwiseConv2d(tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]]), depthwise, 2, 'valid')
        : tf.depthwiseConv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), depthwise, 1, 'valid');
      x = relu6(batchNorm(x, `conv_dw_${id}_bn`));
      x = tf.conv2d(x, weight(`conv_pw_${id}/conv_pw_${id}/kernel:0`) as tf.Tensor4D, 1, 'valid');
      x = relu6(batchNorm(x, `conv_pw_${id}_bn`));
    });
    return x.mean([1, 2]) as tf.Tensor2D;
  });
}

/** ||a - b|| / ||b||, row by row. */
function relativeErrors(actual: number[][], expected: number[][]): number[] {
  return expected.map((row, r) => {
    const diff = Math.hypot(...row.map((v, i) => actual[r][i] - v));
    return diff / Math.hypot(...row);
  });
}

describe('the real Keras MobileNet alpha 0.25 file (Keras 2.0.4)', () => {
  it('is the file the catalog names, with its hash, shipped for `weights imagenet`', async () => {
    const weights = findModel('MobileNet')!.weightsFor({ alpha: 0.25, inputSize: SIZE })!;
    expect(await ensureImagenetWeights(weights, { fetch: () => Promise.reject(new Error('offline')) })).toBe(FILE);
  });

  it("the reader lists the model's weighted layers in order, each weight with the model's name and shape", async () => {
    const model = buildBackbone('MobileNet', { inputShape: [SIZE, SIZE, 3], alpha: 0.25, init: 'zeros' });
    const source = await openKerasH5(FILE);
    try {
      const fileLayers = source.layers.filter((l) => l.weights.length > 0);
      const modelLayers = model.layers.filter((l) => l.weights.length > 0);
      expect(fileLayers.map((l) => l.name)).toEqual(modelLayers.map((l) => l.name));
      expect(fileLayers).toHaveLength(54); // conv1 and 13 x (depthwise, pointwise), each with its BN
      const fileWeights = fileLayers.flatMap((l) => l.weights.map((w) => [w.name, w.shape]));
      const modelWeights = modelLayers.flatMap((l) => l.weights.map((w) => [`${w.originalName}:0`, w.shape]));
      expect(fileWeights).toEqual(modelWeights);
      expect(fileWeights).toHaveLength(135);
    } finally {
      source.close();
      model.dispose();
    }
  });

  it('loads every backbone weight exactly once, each equal to its dataset in the file', async () => {
    const model = buildBackbone('MobileNet', { inputShape: [SIZE, SIZE, 3], alpha: 0.25, init: 'zeros' });
    const report = await loadWeights(model, { path: FILE }, { match: findModel('MobileNet')!.weightsMatch });
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(report.unassigned).toEqual([]);
    expect(report.assignedTwice).toEqual([]);
    expect(report.matched).toHaveLength(54);
    // Each model weight has the bytes of exactly one dataset, and each dataset went to one weight.
    const datasets = fileDatasets();
    const bytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    const assigned = new Map<string, string[]>();
    for (const layer of model.layers) {
      for (const w of layer.weights) {
        const key = `${layer.name}/${w.originalName}:0`;
        const dataset = datasets.get(key);
        expect(dataset, key).toBeDefined();
        expect(bytes(w.read().dataSync() as Float32Array).equals(bytes(dataset!.value as Float32Array)), key).toBe(true);
        assigned.set(key, [...(assigned.get(key) ?? []), w.name]);
      }
    }
    expect([...datasets.keys()].filter((key) => assigned.get(key)?.length !== 1)).toEqual([]);
    expect(assigned.size).toBe(datasets.size);
    model.dispose();
  });

  it('gives the pooled features of MobileNet written with plain tf ops, and of the float64 NumPy reference', async () => {
    const model = buildBackbone('MobileNet', { inputShape: [SIZE, SIZE, 3], alpha: 0.25, init: 'zeros' });
    await loadWeights(model, { path: FILE });
    const images = testImages(REFERENCE.batch, SIZE);
    const pooled = tf.tidy(() => (model.predict(images) as tf.Tensor4D).mean([1, 2]));
    const features = pooled.arraySync() as number[][];
    const plain = plainMobileNet(images, fileDatasets());
    const independent = plain.arraySync() as number[][];
    expect(features[0]).toHaveLength(256);
    // Real ImageNet features: no dead output, images told apart.
    expect(features[0].filter((v) => v > 0).length).toBeGreaterThan(64);
    expect(relativeErrors([features[1]], [features[0]])[0]).toBeGreaterThan(0.05);
    for (const error of relativeErrors(features, independent)) expect(error).toBeLessThanOrEqual(1e-4);
    for (const error of relativeErrors(features, REFERENCE.features)) expect(error).toBeLessThanOrEqual(1e-4);
    for (const error of relativeErrors(independent, REFERENCE.features)) expect(error).toBeLessThanOrEqual(1e-4);
    tf.dispose([images, pooled, plain]);
    model.dispose();
  });
});
