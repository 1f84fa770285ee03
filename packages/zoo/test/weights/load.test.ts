// Loading weights by layer name (or by order, for old Keras files) into real tfjs models from
// real files: Keras 2 .h5 (weights-only and full-model layouts, names with `/`), Keras 3
// .weights.h5, and tfjs model folders; mismatched shapes and unused layers reported; grayscale
// adaptation of the first convolution.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adaptKernelToGrayscale,
  formatWeightsReport,
  loadModelFromDir,
  loadWeights,
  saveModelToDir,
  WeightsError,
} from '../../src/weights/index';
import { Normalization } from '../../src/layers/Normalization';
import { writeKeras2H5, writeKeras3H5, type FixtureLayer } from './keras-h5-writer';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-weights-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small functional model with Keras-style layer names: conv, BN, depthwise, separable, dense. */
function buildModel(channels: 1 | 3): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, channels], name: 'input_1' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv1_conv' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'conv1_bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'sep' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 5, name: 'fc' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

let seed = 0;
/** Distinct, exactly representable values for every weight. */
function values(shape: number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  seed += 1;
  return Float32Array.from({ length: size }, (_, k) => ((k * 7 + seed * 13) % 97) / 8 - 6);
}

function weight(layer: string, name: string, shape: number[]) {
  return { name: `${layer}/${name}:0`, shape, values: values(shape) };
}

/** The file's layers, in Keras's own weight order per layer type. */
function kerasLayers(options: { inChannels?: number; fcUnits?: number } = {}): FixtureLayer[] {
  const c = options.inChannels ?? 3;
  return [
    { name: 'input_1', weights: [] },
    { name: 'conv1_conv', weights: [weight('conv1_conv', 'kernel', [3, 3, c, 4]), weight('conv1_conv', 'bias', [4])] },
    {
      name: 'conv1_bn',
      weights: ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => {
        const w = weight('conv1_bn', n, [4]);
        if (n === 'moving_variance') w.values = w.values.map((v) => Math.abs(v) + 0.5); // a variance is positive
        return w;
      }),
    },
    { name: 'conv1_relu', weights: [] },
    { name: 'dw', weights: [weight('dw', 'depthwise_kernel', [3, 3, 4, 1]), weight('dw', 'bias', [4])] },
    {
      name: 'sep',
      weights: [weight('sep', 'depthwise_kernel', [3, 3, 4, 1]), weight('sep', 'pointwise_kernel', [1, 1, 4, 6]), weight('sep', 'bias', [6])],
    },
    { name: 'avg_pool', weights: [] },
    { name: 'fc', weights: [weight('fc', 'kernel', [6, options.fcUnits ?? 5]), weight('fc', 'bias', [options.fcUnits ?? 5])] },
    { name: 'predictions', weights: [weight('predictions', 'kernel', [5, 10]), weight('predictions', 'bias', [10])] },
  ];
}

/** Every weight of the model layer equals the file weight with the same short name. */
function expectLayerEquals(model: tf.LayersModel, layer: FixtureLayer): void {
  const modelWeights = model.getLayer(layer.name).weights;
  expect(modelWeights.length).toBe(layer.weights.length);
  for (const w of modelWeights) {
    const short = w.originalName.split('/').pop()!;
    const expected = layer.weights.find((f) => f.name === `${layer.name}/${short}:0`)!;
    expect(Array.from(w.read().dataSync())).toEqual(Array.from(expected.values as Float32Array));
  }
}

describe('Keras 2 .h5 weights', () => {
  it('loads every layer by name, in Keras weight order, and reports unused and mismatched layers', async () => {
    const file = join(dir, 'small_notop.h5');
    const layers = kerasLayers({ fcUnits: 7 });
    await writeKeras2H5(file, layers);
    const model = buildModel(3);
    const fcBefore = model.getLayer('fc').getWeights().map((t) => Array.from(t.dataSync()));

    const report = await loadWeights(model, { path: file });

    expect(report.matched).toEqual(['conv1_conv', 'conv1_bn', 'dw', 'sep']);
    expect(report.skipped).toEqual([{ layer: 'fc', reason: 'shape mismatch: kernel is [6, 7] in the file, [6, 5] in the model' }]);
    expect(report.unused).toEqual(['predictions']);
    expect(report.adapted).toBeUndefined();
    for (const name of report.matched) expectLayerEquals(model, layers.find((l) => l.name === name)!);
    expect(model.getLayer('fc').getWeights().map((t) => Array.from(t.dataSync()))).toEqual(fcBefore);
    const text = formatWeightsReport(report);
    expect(text).toContain('loaded weights for 4 layers');
    expect(text).toContain('fc: shape mismatch');
    expect(text).toContain('unused in the file: 1 layer (predictions)');
    model.dispose();
  });

  it('reads layer_names split into chunks, as Keras writes long lists', async () => {
    const file = join(dir, 'chunked.h5');
    const layers = kerasLayers();
    await writeKeras2H5(file, layers, { chunkLayerNames: 4 });
    const model = buildModel(3);
    const report = await loadWeights(model, { path: file });
    expect(report.matched).toEqual(['conv1_conv', 'conv1_bn', 'dw', 'sep', 'fc']);
    expect(report.unused).toEqual(['predictions']);
    model.dispose();
  });

  it('reads full-model files (weights under model_weights)', async () => {
    const file = join(dir, 'full_model.h5');
    const layers = kerasLayers();
    await writeKeras2H5(file, layers, { fullModel: true });
    const model = buildModel(3);
    const report = await loadWeights(model, { path: file, format: 'h5' });
    expect(report.matched).toEqual(['conv1_conv', 'conv1_bn', 'dw', 'sep', 'fc']);
    expect(report.skipped).toEqual([]);
    for (const name of report.matched) expectLayerEquals(model, layers.find((l) => l.name === name)!);
    model.dispose();
  });

  it('reports a file for another architecture as nothing matched, without failing', async () => {
    const file = join(dir, 'other.h5');
    await writeKeras2H5(file, [{ name: 'block1_conv1', weights: [weight('block1_conv1', 'kernel', [3, 3, 3, 64])] }]);
    const model = buildModel(3);
    const report = await loadWeights(model, { path: file });
    expect(report.matched).toEqual([]);
    expect(report.unused).toEqual(['block1_conv1']);
    expect(report.skipped.map((s) => s.layer)).toEqual(['conv1_conv', 'conv1_bn', 'dw', 'sep', 'fc']);
    expect(report.skipped[0].reason).toBe('not in the file');
    expect(formatWeightsReport(report)).toContain('probably for another architecture');
    model.dispose();
  });

  it('rejects missing files and files that are not HDF5 with a WeightsError', async () => {
    const model = buildModel(3);
    await expect(loadWeights(model, { path: join(dir, 'absent.h5') })).rejects.toThrow(/weights file not found: .*absent\.h5/);
    const text = join(dir, 'text.h5');
    writeFileSync(text, 'not hdf5 at all');
    await expect(loadWeights(model, { path: text })).rejects.toBeInstanceOf(WeightsError);
    await expect(loadWeights(model, { path: text })).rejects.toThrow(/is not an HDF5 file/);
    const archive = join(dir, 'model.keras');
    writeFileSync(archive, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60)]));
    await expect(loadWeights(model, { path: archive })).rejects.toThrow(/is a Keras 3 \.keras archive .* use model\.weights\.h5/);
    model.dispose();
  });
});

describe('layer names with `/` (MobileNetV3: `Conv/BatchNorm`, nested groups in HDF5)', () => {
  function slashed(): tf.LayersModel {
    const input = tf.input({ shape: [8, 8, 3], name: 'input_1' });
    let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, useBias: false, name: 'Conv' }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: 'Conv/BatchNorm' }).apply(x) as tf.SymbolicTensor;
    const y = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'expanded_conv_3/squeeze_excite/Conv' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: y });
  }
  const se = 'expanded_conv_3/squeeze_excite/Conv';
  const layers: FixtureLayer[] = [
    { name: 'input_1', weights: [] },
    { name: 'Conv', weights: [weight('Conv', 'kernel', [3, 3, 3, 4])] },
    { name: 'Conv/BatchNorm', weights: ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => weight('Conv/BatchNorm', n, [4])) },
    { name: se, weights: [weight(se, 'kernel', [1, 1, 4, 2]), weight(se, 'bias', [2])] },
  ];

  it('loads them by name from the nested groups Keras writes', async () => {
    const file = join(dir, 'slashed.h5');
    await writeKeras2H5(file, layers);
    const model = slashed();
    const report = await loadWeights(model, { path: file });
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(report.matched).toEqual(['Conv', 'Conv/BatchNorm', se]);
    for (const layer of layers.slice(1)) expectLayerEquals(model, layer);
    model.dispose();
  });
});

describe('matching by order (old Keras files whose automatic names predate the model\'s)', () => {
  /** Keras 1 names for buildModel's layers, and its weight names (`convolution2d_1_W:0`). */
  const KERAS1: Record<string, string> = {
    input_1: 'input_1',
    conv1_conv: 'convolution2d_1',
    conv1_bn: 'batchnormalization_1',
    conv1_relu: 'activation_1',
    dw: 'depthwiseconvolution2d_1',
    sep: 'separableconvolution2d_1',
    avg_pool: 'globalaveragepooling2d_1',
    fc: 'dense_1',
    predictions: 'dense_2',
  };
  const KERAS1_WEIGHT: Record<string, string> = {
    kernel: 'W',
    bias: 'b',
    moving_mean: 'running_mean',
    moving_variance: 'running_std',
    depthwise_kernel: 'depthwise_W',
    pointwise_kernel: 'pointwise_W',
  };
  function keras1(layers: FixtureLayer[]): FixtureLayer[] {
    return layers.map((layer) => ({
      name: KERAS1[layer.name],
      weights: layer.weights.map((w) => {
        const short = w.name.slice(w.name.lastIndexOf('/') + 1).replace(/:0$/, '');
        return { ...w, name: `${KERAS1[layer.name]}_${KERAS1_WEIGHT[short] ?? short}:0` };
      }),
    }));
  }
  /** The model layer's weights, in order, equal the file layer's, in order. */
  function expectSameValues(model: tf.LayersModel, layer: string, fileLayer: FixtureLayer): void {
    const actual = model.getLayer(layer).getWeights().map((t) => Array.from(t.dataSync()));
    expect(actual).toEqual(fileLayer.weights.map((w) => Array.from(w.values as Float32Array)));
  }
  const WEIGHTED = ['conv1_conv', 'conv1_bn', 'dw', 'sep', 'fc'];

  it('loads a file with Keras 1 names by order, and nothing of it by name', async () => {
    const file = join(dir, 'keras1.h5');
    const layers = keras1(kerasLayers().filter((l) => l.name !== 'predictions'));
    await writeKeras2H5(file, layers);

    const byOrder = buildModel(3);
    const report = await loadWeights(byOrder, { path: file }, { match: 'order' });
    expect(report.match).toBe('order');
    expect(report.matched).toEqual(WEIGHTED);
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual([]);
    const fileWeighted = layers.filter((l) => l.weights.length > 0);
    WEIGHTED.forEach((name, i) => expectSameValues(byOrder, name, fileWeighted[i]));

    const byName = buildModel(3);
    const nameReport = await loadWeights(byName, { path: file });
    expect(nameReport.matched).toEqual([]);
    expect(nameReport.unused).toEqual(fileWeighted.map((l) => l.name));
    byOrder.dispose();
    byName.dispose();
  });

  it('puts automatic names numbered from 1 (`conv2d_1` for our `conv2d`) in the right layer, where by name they land one off', async () => {
    function autoNamed(): tf.LayersModel {
      const input = tf.input({ shape: [8, 8, 3], name: 'input_1' });
      let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv2d' }).apply(input) as tf.SymbolicTensor;
      x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv2d_1' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv2d_2' }).apply(x) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: x });
    }
    const file = join(dir, 'numbered-from-1.h5');
    const layers: FixtureLayer[] = [1, 2, 3].map((n) => {
      const name = `conv2d_${n}`;
      return { name, weights: [weight(name, 'kernel', [3, 3, n === 1 ? 3 : 4, 4]), weight(name, 'bias', [4])] };
    });
    await writeKeras2H5(file, layers);

    const byName = autoNamed();
    await loadWeights(byName, { path: file });
    expectSameValues(byName, 'conv2d_2', layers[1]); // the file's second convolution, in the model's third

    const byOrder = autoNamed();
    const report = await loadWeights(byOrder, { path: file }, { match: 'order' });
    expect(report.matched).toEqual(['conv2d', 'conv2d_1', 'conv2d_2']);
    ['conv2d', 'conv2d_1', 'conv2d_2'].forEach((name, i) => expectSameValues(byOrder, name, layers[i]));
    byName.dispose();
    byOrder.dispose();
  });

  /** The values of every weight of the model, to show that a refused load changed nothing. */
  const allValues = (model: tf.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));

  it('stops at a pair whose shapes differ (TL4404), naming both layers, and loads nothing', async () => {
    const file = join(dir, 'keras1-fc7.h5');
    await writeKeras2H5(file, keras1(kerasLayers({ fcUnits: 7 }).filter((l) => l.name !== 'predictions')));
    const model = buildModel(3);
    const before = allValues(model);
    const error = await loadWeights(model, { path: file }, { match: 'order' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightsError);
    expect((error as WeightsError).code).toBe('TL4404');
    expect((error as Error).message).toContain(
      `cannot pair the weights of ${file} with the model's layers by order: layer fc: paired by order with the file's \`dense_1\`, whose kernel is [6, 7] where the model's is [6, 5]`,
    );
    expect(allValues(model)).toEqual(before);
    model.dispose();
  });

  it('stops when the file has fewer layers with weights than the model (TL4404), naming the first left over', async () => {
    const file = join(dir, 'keras1-short.h5');
    await writeKeras2H5(file, keras1(kerasLayers().filter((l) => l.name !== 'predictions' && l.name !== 'fc')));
    const model = buildModel(3);
    const error = await loadWeights(model, { path: file }, { match: 'order' }).catch((e: unknown) => e);
    expect((error as WeightsError).code).toBe('TL4404');
    expect((error as Error).message).toContain('layer fc: the file has only 4 layers with weights, the model 5');
    model.dispose();
  });

  it("pairs the model's layers with the first of a file that has more (a head after the backbone), the rest unused", async () => {
    const file = join(dir, 'keras1-extra.h5');
    const layers = keras1(kerasLayers());
    await writeKeras2H5(file, layers);
    const model = buildModel(3);
    const report = await loadWeights(model, { path: file }, { match: 'order' });
    expect(report.matched).toEqual(WEIGHTED);
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual(['dense_2']);
    expect(report.unassigned).toEqual([]);
    expect(report.assignedTwice).toEqual([]);
    const fileWeighted = layers.filter((l) => l.weights.length > 0);
    WEIGHTED.forEach((name, i) => expectSameValues(model, name, fileWeighted[i]));
    model.dispose();
  });

  it("sums the first convolution's RGB kernel for a grayscale model", async () => {
    const file = join(dir, 'keras1-rgb.h5');
    const layers = keras1(kerasLayers().filter((l) => l.name !== 'predictions'));
    await writeKeras2H5(file, layers);
    const model = buildModel(1);
    const report = await loadWeights(model, { path: file }, { match: 'order', firstConv: { layer: 'conv1_conv', method: 'sum' } });
    expect(report.adapted).toEqual({ layer: 'conv1_conv', method: 'sum' });
    expect(report.matched).toEqual(WEIGHTED);
    const expected = tf.sum(tf.tensor4d(layers[1].weights[0].values as Float32Array, [3, 3, 3, 4]), 2, true);
    const kernel = model.getLayer('conv1_conv').getWeights()[0];
    expect(kernel.shape).toEqual([3, 3, 1, 4]);
    const want = Array.from(expected.dataSync());
    Array.from(kernel.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    expected.dispose();
    model.dispose();
  });
});

describe('Keras 3 .weights.h5', () => {
  it('matches layers by class and rank, as Keras 3 keys them', async () => {
    const file = join(dir, 'small.weights.h5');
    const keras2 = kerasLayers().filter((l) => l.weights.length > 0 && l.name !== 'predictions');
    const keys = ['conv2d', 'batch_normalization', 'depthwise_conv2d', 'separable_conv2d', 'dense'];
    await writeKeras3H5(file, keras2.map((l, i) => ({ name: keys[i], weights: l.weights })));
    const model = buildModel(3);
    const report = await loadWeights(model, { path: file });
    expect(report.matched).toEqual(['conv1_conv', 'conv1_bn', 'dw', 'sep', 'fc']);
    expect(report.unused).toEqual([]);
    for (const layer of keras2) expectLayerEquals(model, layer);
    model.dispose();
  });
});

describe('grayscale adaptation', () => {
  it('adaptKernelToGrayscale sums a kernel over its input channels', () => {
    // [kh=1, kw=1, in=3, out=2]: in0 -> (1, 2), in1 -> (3, 4), in2 -> (5, 6).
    const kernel = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 3, 2]);
    const gray = adaptKernelToGrayscale(kernel);
    expect(gray.shape).toEqual([1, 1, 1, 2]);
    expect(Array.from(gray.dataSync())).toEqual([9, 12]);
    tf.dispose([kernel, gray]);
  });

  it('sum: the RGB first convolution becomes its sum over channels; gray g acts like RGB (g, g, g)', async () => {
    const file = join(dir, 'rgb.h5');
    const layers = kerasLayers();
    await writeKeras2H5(file, layers);
    const model = buildModel(1);
    const report = await loadWeights(model, { path: file }, { firstConv: { layer: 'conv1_conv', method: 'sum' } });
    expect(report.adapted).toEqual({ layer: 'conv1_conv', method: 'sum' });
    expect(report.matched).toContain('conv1_conv');
    const rgbKernel = layers[1].weights[0].values as Float32Array; // [3, 3, 3, 4], row-major
    const expected: number[] = [];
    for (let p = 0; p < 9; p++) {
      for (let o = 0; o < 4; o++) expected.push(rgbKernel[p * 12 + o] + rgbKernel[p * 12 + 4 + o] + rgbKernel[p * 12 + 8 + o]);
    }
    const kernel = model.getLayer('conv1_conv').getWeights()[0];
    expect(kernel.shape).toEqual([3, 3, 1, 4]);
    const actual = Array.from(kernel.dataSync());
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));

    const rgb = buildModel(3);
    await loadWeights(rgb, { path: file });
    const gray = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 7);
    const grayOut = model.predict(gray) as tf.Tensor;
    const rgbOut = rgb.predict(tf.tile(gray, [1, 1, 1, 3])) as tf.Tensor;
    const diff = tf.max(tf.abs(tf.sub(grayOut, rgbOut))).dataSync()[0];
    const scale = tf.max(tf.abs(rgbOut)).dataSync()[0];
    expect(scale).toBeGreaterThan(1);
    expect(diff / scale).toBeLessThan(1e-5); // float32 rounding only
    model.dispose();
    rgb.dispose();
  });

  it('skip: the first convolution is re-initialised (Glorot-uniform kernel, zero bias) and reported', async () => {
    const file = join(dir, 'rgb-skip.h5');
    await writeKeras2H5(file, kerasLayers());
    const model = buildModel(1);
    const conv = model.getLayer('conv1_conv');
    conv.setWeights(conv.weights.map((w) => tf.zeros(w.shape as number[]))); // as a model built with init zeros
    const report = await loadWeights(model, { path: file }, { firstConv: { layer: 'conv1_conv', method: 'skip' } });
    expect(report.adapted).toEqual({ layer: 'conv1_conv', method: 'skip' });
    expect(report.skipped).toEqual([{ layer: 'conv1_conv', reason: 're-initialised for grayscale input (adapt skip)' }]);
    expect(report.matched).toEqual(['conv1_bn', 'dw', 'sep', 'fc']);
    expectGlorotKernelZeroBias(conv);
    model.dispose();
  });
});

/** A freshly initialised convolution: kernel within Glorot's limit and not all zero, bias zero. */
function expectGlorotKernelZeroBias(conv: tf.layers.Layer): void {
  const [kernel, bias] = conv.getWeights();
  const [kh, kw, cin, cout] = kernel.shape;
  const limit = Math.sqrt(6 / (kh * kw * cin + kh * kw * cout));
  const values = Array.from(kernel.dataSync());
  expect(values.some((v) => v !== 0)).toBe(true);
  expect(values.every((v) => Math.abs(v) <= limit)).toBe(true);
  expect(Array.from(bias.dataSync()).every((v) => v === 0)).toBe(true);
}

describe('in-model preprocessing statistics (EfficientNet-style normalization)', () => {
  /** Keras's Normalization before the stem: mean and variance per channel, an int64 count. */
  function stem(channels: 1 | 3): tf.LayersModel {
    const input = tf.input({ shape: [8, 8, channels], name: 'input_1' });
    const x = new Normalization({ name: 'normalization' }).apply(input) as tf.SymbolicTensor;
    const y = tf.layers.conv2d({ filters: 2, kernelSize: 3, useBias: false, name: 'stem_conv' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: y });
  }
  const mean = [0.485, 0.456, 0.406].map(Math.fround);
  const variance = [0.229 ** 2, 0.224 ** 2, 0.225 ** 2];
  const layers: FixtureLayer[] = [
    {
      name: 'normalization',
      weights: [
        { name: 'normalization/mean:0', shape: [3], values: Float32Array.from(mean) },
        { name: 'normalization/variance:0', shape: [3], values: Float64Array.from(variance), dtype: '<d' },
        { name: 'normalization/count:0', shape: [], values: BigInt64Array.of(150_000n), dtype: '<q' },
      ],
    },
    { name: 'stem_conv', weights: [weight('stem_conv', 'kernel', [3, 3, 3, 2])] },
  ];
  const read = (model: tf.LayersModel) => model.getLayer('normalization').getWeights().map((t) => Array.from(t.dataSync()));

  it('reads float64 and int64 scalar datasets into float32 weights', async () => {
    const file = join(dir, 'effnet_stem.h5');
    await writeKeras2H5(file, layers);
    const model = stem(3);
    const report = await loadWeights(model, { path: file });
    expect(report.matched).toEqual(['normalization', 'stem_conv']);
    const [m, v, count] = read(model);
    expect(m).toEqual(mean);
    v.forEach((x, i) => expect(x).toBeCloseTo(variance[i], 7));
    expect(count).toEqual([150_000]);
    model.dispose();
  });

  it('averages RGB statistics before the first convolution into one value for a grayscale model', async () => {
    const file = join(dir, 'effnet_stem_gray.h5');
    await writeKeras2H5(file, layers);
    const model = stem(1);
    const report = await loadWeights(model, { path: file }, { firstConv: { layer: 'stem_conv', method: 'sum' } });
    expect(report.matched).toEqual(['normalization', 'stem_conv']);
    expect(report.averagedForGrayscale).toEqual(['normalization']);
    expect(report.adapted).toEqual({ layer: 'stem_conv', method: 'sum' });
    const [m, v, count] = read(model);
    expect(m[0]).toBeCloseTo((mean[0] + mean[1] + mean[2]) / 3, 6);
    expect(v[0]).toBeCloseTo((variance[0] + variance[1] + variance[2]) / 3, 7);
    expect(count).toEqual([150_000]);
    expect(formatWeightsReport(report)).toContain('normalization: RGB statistics averaged into one value for the grayscale input');
    model.dispose();
  });
});

describe('nested models (ConvNeXt-style stem: a Sequential inside the functional model)', () => {
  function nested(channels: 1 | 3): tf.LayersModel {
    const stem = tf.sequential({ name: 'net_stem' });
    stem.add(tf.layers.conv2d({ inputShape: [8, 8, channels], filters: 4, kernelSize: 2, strides: 2, name: 'net_stem_conv' }));
    stem.add(tf.layers.layerNormalization({ epsilon: 1e-6, name: 'net_stem_layernorm' }));
    const input = tf.input({ shape: [8, 8, channels], name: 'input_1' });
    const x = stem.apply(input) as tf.SymbolicTensor;
    const y = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'head_conv' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: y });
  }
  const conv = [weight('net_stem_conv', 'kernel', [2, 2, 3, 4]), weight('net_stem_conv', 'bias', [4])];
  const norm = [weight('net_stem_layernorm', 'gamma', [4]), weight('net_stem_layernorm', 'beta', [4])];
  const head = { name: 'head_conv', weights: [weight('head_conv', 'kernel', [1, 1, 4, 3]), weight('head_conv', 'bias', [3])] };
  /** Keras stores the nested model as one layer holding its layers' weights in order. */
  const asKeras: FixtureLayer[] = [{ name: 'net_stem', weights: [...conv, ...norm] }, head];
  const inner = (model: tf.LayersModel, name: string) => (model.getLayer('net_stem') as tf.LayersModel).getLayer(name);
  const valuesOf = (layer: tf.layers.Layer) => layer.getWeights().map((t) => Array.from(t.dataSync()));

  it('loads a nested model stored as one layer, weight by weight', async () => {
    const file = join(dir, 'nested.h5');
    await writeKeras2H5(file, asKeras);
    const model = nested(3);
    const report = await loadWeights(model, { path: file });
    expect(report.matched).toEqual(['net_stem', 'head_conv']);
    expect(report.unused).toEqual([]);
    expect(valuesOf(inner(model, 'net_stem_conv'))).toEqual(conv.map((w) => Array.from(w.values as Float32Array)));
    expect(valuesOf(inner(model, 'net_stem_layernorm'))).toEqual(norm.map((w) => Array.from(w.values as Float32Array)));
    model.dispose();
  });

  it('loads layer by layer into a nested model when the file names the inner layers', async () => {
    const file = join(dir, 'flat.h5');
    await writeKeras2H5(file, [{ name: 'net_stem_conv', weights: conv }, { name: 'net_stem_layernorm', weights: norm }, head]);
    const model = nested(3);
    const report = await loadWeights(model, { path: file });
    expect(report.matched).toEqual(['net_stem_conv', 'net_stem_layernorm', 'head_conv']);
    expect(valuesOf(inner(model, 'net_stem_layernorm'))).toEqual(norm.map((w) => Array.from(w.values as Float32Array)));
    model.dispose();
  });

  it('adapts a first convolution inside a nested model (sum and skip)', async () => {
    const file = join(dir, 'nested-gray.h5');
    await writeKeras2H5(file, asKeras);
    const summed = nested(1);
    const sumReport = await loadWeights(summed, { path: file }, { firstConv: { layer: 'net_stem_conv', method: 'sum' } });
    expect(sumReport.adapted).toEqual({ layer: 'net_stem_conv', method: 'sum' });
    expect(sumReport.matched).toEqual(['net_stem', 'head_conv']);
    const rgb = conv[0].values as Float32Array; // [2, 2, 3, 4]
    const expected = Array.from({ length: 16 }, (_, k) => {
      const [p, o] = [Math.floor(k / 4), k % 4];
      return rgb[p * 12 + o] + rgb[p * 12 + 4 + o] + rgb[p * 12 + 8 + o];
    });
    Array.from(inner(summed, 'net_stem_conv').getWeights()[0].dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));

    const skipped = nested(1);
    const skipReport = await loadWeights(skipped, { path: file }, { firstConv: { layer: 'net_stem_conv', method: 'skip' } });
    expect(skipReport.skipped).toEqual([{ layer: 'net_stem_conv', reason: 're-initialised for grayscale input (adapt skip)' }]);
    expect(skipReport.matched).toEqual(['net_stem', 'head_conv']);
    expectGlorotKernelZeroBias(inner(skipped, 'net_stem_conv'));
    expect(valuesOf(inner(skipped, 'net_stem_layernorm'))).toEqual(norm.map((w) => Array.from(w.values as Float32Array)));
    summed.dispose();
    skipped.dispose();
  });
});

describe('TensorFlow.js model folders', () => {
  it('saves a model atomically, loads it back whole, and loads its weights by name into a fresh model', async () => {
    const source = buildModel(3);
    for (const layer of source.layers) {
      if (layer.weights.length > 0) layer.setWeights(layer.weights.map((w) => tf.tensor(values(w.shape as number[]), w.shape as number[])));
    }
    const out = join(dir, 'saved');
    await saveModelToDir(source, out);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);

    const input = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3);
    const expected = Array.from((source.predict(input) as tf.Tensor).dataSync());
    const loaded = await loadModelFromDir(out);
    expect(loaded.layers.map((l) => l.name)).toEqual(source.layers.map((l) => l.name));
    expect(Array.from((loaded.predict(input) as tf.Tensor).dataSync())).toEqual(expected);

    const fresh = buildModel(3);
    const report = await loadWeights(fresh, { path: join(out, 'model.json') });
    expect(report.matched).toEqual(['conv1_conv', 'conv1_bn', 'dw', 'sep', 'fc']);
    expect(report.skipped).toEqual([]);
    expect(report.unused).toEqual([]);
    for (const layer of source.layers) {
      const a = layer.getWeights().map((t) => Array.from(t.dataSync()));
      const b = fresh.getLayer(layer.name).getWeights().map((t) => Array.from(t.dataSync()));
      expect(b).toEqual(a);
    }
    const fromFolder = buildModel(3);
    const folderReport = await loadWeights(fromFolder, { path: out });
    expect(folderReport.source).toBe(join(out, 'model.json'));
    expect(folderReport.matched).toEqual(report.matched);

    // Saving over the folder replaces both files and leaves no temp file behind.
    source.setWeights(source.getWeights().map((w) => w.mul(2)));
    await saveModelToDir(source, out);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const resaved = await loadModelFromDir(out);
    expect(Array.from((resaved.predict(input) as tf.Tensor).dataSync())).toEqual(Array.from((source.predict(input) as tf.Tensor).dataSync()));
    expect(Array.from((resaved.predict(input) as tf.Tensor).dataSync())).not.toEqual(expected);
    tf.dispose(input);
    [source, loaded, fresh, fromFolder, resaved].forEach((m) => m.dispose());
  });

  it('rejects a folder without model.json with a WeightsError', async () => {
    await expect(loadModelFromDir(join(dir, 'nothing-here'))).rejects.toThrow(/TensorFlow.js model not found: .*model\.json/);
  });
});
