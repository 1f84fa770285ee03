// The WebAssembly backend's training kernels (registerWasmTrainingKernels: Conv2DBackpropFilter and
// both depthwise gradients it lacked, Conv2DBackpropInput, Tile and BatchMatMul it replaces, the
// ClipByValue gradient it registers) against the pure-JS
// 'cpu' backend: the same random inputs, the gradients of conv2d / depthwiseConv2d under both
// backends, over a table of kernel sizes, strides, paddings, odd and even sizes, batches and
// channel multipliers. Dilated depthwise
// gradients (tfjs's gradient functions refuse dilation > 1) call the kernels directly and compare
// with the cpu gradients of the equivalent undilated convolution (the filter with zeros inserted).
// Last, a small conv net trained a few steps ends with the same weights on both backends.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../src/backend/wasm-kernels/index';
import { clipByValueGradConfig } from '../../src/backend/wasm-kernels/clip-gradient';
import { selectBackend } from '../../src/backend/index';
import { createRng } from '../../src/random';
import { relativeError } from '../relative-error';
import { buildBackbone } from '@tlc/zoo';

const require = createRequire(import.meta.url);
const TOLERANCE = 1e-4;
type Backend = 'cpu' | 'wasm';
type Padding = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

function randomValues(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1));
}

function random4d(shape: number[], seed: number): tf.Tensor4D {
  return tf.tensor4d(randomValues(shape, seed), shape as [number, number, number, number]);
}

/** Gradients of sum(op(x, filter) * upstream) with respect to x and the filter, on `backend`. */
async function gradients(
  backend: Backend,
  op: (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D,
  xShape: number[],
  filterShape: number[],
  seed: number,
): Promise<{ dx: Float32Array; dFilter: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = random4d(xShape, seed);
    const filter = random4d(filterShape, seed + 1);
    const outShape = op(x, filter).shape;
    const upstream = tf.tensor(randomValues(outShape, seed + 2), outShape);
    const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D), upstream)))([x, filter]);
    return { dx: dx!.dataSync() as Float32Array, dFilter: dFilter!.dataSync() as Float32Array };
  });
}

async function expectSameGradients(
  op: (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D,
  xShape: number[],
  filterShape: number[],
  seed: number,
): Promise<void> {
  const reference = await gradients('cpu', op, xShape, filterShape, seed);
  const wasm = await gradients('wasm', op, xShape, filterShape, seed);
  expect(relativeError(wasm.dFilter, reference.dFilter)).toBeLessThan(TOLERANCE);
  expect(relativeError(wasm.dx, reference.dx)).toBeLessThan(TOLERANCE);
}

const explicit = (top: number, bottom: number, left: number, right: number): Padding => [[0, 0], [top, bottom], [left, right], [0, 0]];
const paddingName = (p: Padding) => (typeof p === 'string' ? p : `explicit ${JSON.stringify(p.slice(1, 3))}`);

beforeAll(async () => {
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  expect(await tf.setBackend('wasm')).toBe(true);
  registerWasmTrainingKernels();
});

describe('registerWasmTrainingKernels', () => {
  it('fills the three missing kernels, replaces the slow two, and is idempotent', () => {
    const names = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'Conv2DBackpropInput', 'Tile', 'BatchMatMul'];
    const first = names.map((name) => tf.getKernel(name, 'wasm'));
    first.forEach((kernel, i) => expect(kernel, names[i]).toBeDefined());
    registerWasmTrainingKernels();
    names.forEach((name, i) => expect(tf.getKernel(name, 'wasm'), name).toBe(first[i]));
  });

  it('tiles like the cpu backend, broadcasting or not, float or int', async () => {
    const cases: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' }[] = [
      { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1], dtype: 'float32' },
      { shape: [2, 1, 3], reps: [1, 4, 1], dtype: 'float32' },
      { shape: [2, 3], reps: [2, 2], dtype: 'float32' },
      { shape: [1, 3], reps: [4, 1], dtype: 'int32' },
    ];
    for (const { shape, reps, dtype } of cases) {
      const values = Array.from(randomValues(shape, 11), (v) => (dtype === 'int32' ? Math.round(v * 100) : v));
      const tiled: number[][] = [];
      for (const backend of ['cpu', 'wasm'] as Backend[]) {
        await tf.setBackend(backend);
        tiled.push(Array.from(tf.tidy(() => tf.tile(tf.tensor(values, shape, dtype), reps)).dataSync()));
      }
      expect(tiled[1], JSON.stringify({ shape, reps })).toEqual(tiled[0]);
    }
  });

  it('multiplies matrices like the cpu backend, transposed or not, rewritten or left to the backend', async () => {
    // [a's shape, b's shape, transposeA, transposeB]: products large enough to be rewritten, in
    // both orientations of each transposition (so each rewrite is chosen), rank 3 with a batch of
    // one, and products left to the backend's kernel (a batch of several, small).
    const cases: [number[], number[], boolean, boolean][] = [
      [[32, 1280], [32, 4], true, false], // a dense kernel's gradient
      [[32, 4], [1280, 4], false, true], // a dense input's gradient
      [[300, 40], [300, 60], true, false],
      [[40, 300], [60, 300], false, true],
      [[70, 50], [60, 70], true, true],
      [[10, 100], [100, 10], true, true],
      [[50, 70], [70, 60], false, false],
      [[1, 64, 33], [1, 64, 17], true, false],
      [[1, 33, 64], [1, 17, 64], false, true],
      [[3, 20, 30], [3, 20, 10], true, false],
      [[5, 3], [5, 2], true, false],
    ];
    for (const [aShape, bShape, transposeA, transposeB] of cases) {
      const products: Float32Array[] = [];
      const shapes: number[][] = [];
      for (const backend of ['cpu', 'wasm'] as Backend[]) {
        await tf.setBackend(backend);
        tf.tidy(() => {
          const product = tf.matMul(tf.tensor(randomValues(aShape, 21), aShape), tf.tensor(randomValues(bShape, 22), bShape), transposeA, transposeB);
          products.push(product.dataSync() as Float32Array);
          shapes.push(product.shape);
        });
      }
      const label = JSON.stringify({ aShape, bShape, transposeA, transposeB });
      expect(shapes[1], label).toEqual(shapes[0]);
      expect(relativeError(products[1]!, products[0]!), label).toBeLessThan(1e-6);
    }
  });

  it('rewrites a large transposed product into transposes and a plain product, and leaves the rest alone', async () => {
    await tf.setBackend('wasm');
    const transpose = tf.getKernel('Transpose', 'wasm')!;
    let transposes = 0;
    tf.unregisterKernel('Transpose', 'wasm');
    tf.registerKernel({ ...transpose, kernelFunc: (args) => (transposes++, transpose.kernelFunc(args)) });
    try {
      const count = (aShape: number[], bShape: number[], transposeA: boolean) => {
        transposes = 0;
        tf.tidy(() => tf.matMul(tf.ones(aShape), tf.ones(bShape), transposeA, false).dataSync());
        return transposes;
      };
      expect(count([32, 1280], [32, 4], true)).toBeGreaterThan(0);
      expect(count([32, 1280], [1280, 4], false)).toBe(0);
      expect(count([3, 20, 30], [3, 20, 10], true)).toBe(0);
      expect(count([5, 3], [5, 2], true)).toBe(0);
    } finally {
      tf.unregisterKernel('Transpose', 'wasm');
      tf.registerKernel(transpose);
    }
  });

  it("registers ClipByValue's gradient, which equals tfjs's where(min <= x <= max, dy, 0) on both backends", async () => {
    expect(tf.getGradient('ClipByValue')).toBe(clipByValueGradConfig);
    // Values on both sides of each bound and on the bounds themselves.
    const xs = [...Array.from(randomValues([200], 31), (v) => v * 8 - 1), 0, 6, -0.000001, 6.000001, -3, 9];
    const dys = Array.from(randomValues([xs.length], 32));
    for (const backend of ['cpu', 'wasm'] as Backend[]) {
      await tf.setBackend(backend);
      const [ours, theirs] = tf.tidy(() => {
        const x = tf.tensor1d(xs);
        const dy = tf.tensor1d(dys);
        const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(v, 0, 6), dy)))(x);
        const theirs = tf.where(tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 6)), dy, tf.zerosLike(dy));
        // + 0 turns -0 into 0: the one difference in representation.
        return [Array.from(tf.add(ours, 0).dataSync()), Array.from(theirs.dataSync())];
      });
      expect(ours, backend).toEqual(theirs);
      expect(ours.filter((v) => v === 0).length, backend).toBeGreaterThan(10);
    }
  });

  it('is done by selectBackend when it starts the wasm backend', async () => {
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const selected = await selectBackend('wasm');
    expect(selected.name).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('releases every intermediate tensor', async () => {
    await tf.setBackend('wasm');
    const x = random4d([2, 9, 8, 4], 1);
    const w = random4d([3, 3, 4, 5], 2);
    const dw = random4d([3, 3, 5, 2], 3);
    const step = () =>
      tf.tidy(() => {
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.depthwiseConv2d(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), c as tf.Tensor4D, 2, 'valid'));
        tf.grads(f)([x, w, dw]).forEach((g) => g.dataSync());
        // Both rewrites of a transposed product.
        tf.matMul(tf.reshape(x, [24, 24]), tf.reshape(dw, [90, 1]).tile([1, 30]).slice([0, 0], [24, 30]), true, false).dataSync();
        tf.matMul(tf.ones([30, 200]), tf.ones([8, 200]), false, true).dataSync();
      });
    step();
    const before = tf.memory();
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const dataIdsBefore = backend.dataIdMap.numDataIds();
    step();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(backend.dataIdMap.numDataIds()).toBe(dataIdsBefore);
  });
});

describe('Conv2D filter and input gradients, wasm against cpu', () => {
  const cases: { kernel: [number, number]; stride: number; padding: Padding; xShape: [number, number, number, number]; outChannels: number }[] = [];
  for (const kernel of [1, 3, 5, 7]) {
    for (const stride of [1, 2]) {
      for (const padding of ['same', 'valid', explicit(1, 2, 2, 0)] as Padding[]) {
        // Odd and even sizes, batch 1 and 3, alternating so the table stays small.
        const odd = (kernel + stride) % 2 === 1;
        const size = odd ? 11 : 10;
        cases.push({ kernel: [kernel, kernel], stride, padding, xShape: [odd ? 3 : 1, size, size + 1, 3], outChannels: 4 });
      }
    }
  }
  // Shapes the zoo uses beyond square kernels: Inception's 1x7 / 7x1, ConvNeXt's 4x4/4 stem and
  // 2x2/2 downsampling, a strided 1x1 shortcut (ResNet), a strided 1x1 with explicit padding.
  cases.push({ kernel: [1, 7], stride: 1, padding: 'same', xShape: [2, 9, 8, 3], outChannels: 5 });
  cases.push({ kernel: [7, 1], stride: 1, padding: 'same', xShape: [1, 9, 8, 3], outChannels: 5 });
  cases.push({ kernel: [4, 4], stride: 4, padding: 'valid', xShape: [2, 16, 18, 3], outChannels: 6 });
  cases.push({ kernel: [2, 2], stride: 2, padding: 'valid', xShape: [3, 9, 8, 4], outChannels: 6 });
  cases.push({ kernel: [1, 1], stride: 2, padding: 'valid', xShape: [3, 9, 10, 8], outChannels: 6 });
  cases.push({ kernel: [1, 1], stride: 2, padding: explicit(1, 0, 0, 1), xShape: [1, 8, 9, 4], outChannels: 3 });
  cases.push({ kernel: [3, 3], stride: 2, padding: explicit(0, 1, 0, 1), xShape: [2, 12, 12, 4], outChannels: 3 });

  it.each(cases.map((c, i) => ({ ...c, i, name: `${c.kernel.join('x')} stride ${c.stride} ${paddingName(c.padding)} x ${c.xShape.join('x')}` })))(
    '$name',
    async ({ kernel, stride, padding, xShape, outChannels, i }) => {
      await expectSameGradients((x, f) => tf.conv2d(x, f, stride, padding), xShape, [...kernel, xShape[3], outChannels], 100 + i * 3);
    },
  );
});

describe('DepthwiseConv2D filter and input gradients, wasm against cpu', () => {
  const cases: { kernel: number; stride: number; padding: Padding; xShape: [number, number, number, number]; multiplier: number }[] = [];
  for (const kernel of [1, 3, 5, 7]) {
    for (const stride of [1, 2]) {
      for (const padding of ['same', 'valid', explicit(2, 1, 0, 1)] as Padding[]) {
        const odd = (kernel + stride) % 2 === 1;
        const size = odd ? 11 : 10;
        const multiplier = padding === 'valid' ? 2 : 1;
        cases.push({ kernel, stride, padding, xShape: [odd ? 3 : 1, size, size - 1, 4], multiplier });
      }
    }
  }
  cases.push({ kernel: 7, stride: 1, padding: 'same', xShape: [2, 14, 14, 6], multiplier: 1 }); // ConvNeXt
  cases.push({ kernel: 3, stride: 2, padding: explicit(0, 1, 0, 1), xShape: [2, 12, 12, 4], multiplier: 1 }); // correct_pad + valid

  it.each(cases.map((c, i) => ({ ...c, i, name: `${c.kernel}x${c.kernel} stride ${c.stride} ${paddingName(c.padding)} x ${c.xShape.join('x')} multiplier ${c.multiplier}` })))(
    '$name',
    async ({ kernel, stride, padding, xShape, multiplier, i }) => {
      await expectSameGradients((x, f) => tf.depthwiseConv2d(x, f, stride, padding), xShape, [kernel, kernel, xShape[3], multiplier], 500 + i * 3);
    },
  );
});

describe('dilated DepthwiseConv2D gradients, the kernels called directly', () => {
  /** The dilated filter as an undilated one: dilation - 1 zeros between taps. */
  function inflate(filter: tf.Tensor4D, dilation: number): tf.Tensor4D {
    const [h, w, c, m] = filter.shape;
    const values = filter.bufferSync();
    const big = tf.buffer([(h - 1) * dilation + 1, (w - 1) * dilation + 1, c, m]);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) for (let l = 0; l < m; l++) big.set(values.get(i, j, k, l), i * dilation, j * dilation, k, l);
    return big.toTensor() as tf.Tensor4D;
  }

  it.each([
    { kernel: 3, padding: 'same' as Padding, multiplier: 1, xShape: [2, 11, 10, 4] },
    { kernel: 3, padding: 'valid' as Padding, multiplier: 2, xShape: [1, 12, 11, 3] },
    { kernel: 5, padding: explicit(3, 1, 2, 4), multiplier: 1, xShape: [3, 10, 10, 2] },
  ])('$kernel x $kernel, dilation 2, $padding, multiplier $multiplier', async ({ kernel, padding, multiplier, xShape }) => {
    const dilation = 2;
    const filterShape = [kernel, kernel, xShape[3]!, multiplier];
    await tf.setBackend('cpu');
    const x = random4d(xShape, 7);
    const filter = random4d(filterShape, 8);
    const big = inflate(filter, dilation);
    const outShape = tf.depthwiseConv2d(x, big, 1, padding).shape;
    const dy = tf.tensor(randomValues(outShape, 9), outShape);
    const [refDx, refBigDFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, padding), dy)))([x, big]);
    const refDFilter = tf.stridedSlice(refBigDFilter!, [0, 0, 0, 0], refBigDFilter!.shape, [dilation, dilation, 1, 1]);
    const expectedDx = refDx!.dataSync() as Float32Array;
    const expectedDFilter = refDFilter.dataSync() as Float32Array;

    await tf.setBackend('wasm');
    const attrs = { strides: [1, 1], dilations: [dilation, dilation], pad: padding, dimRoundingMode: undefined };
    const dFilter = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(x.dataSync(), x.shape), dy: tf.tensor(dy.dataSync(), dy.shape) }, { ...attrs, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dy.dataSync(), dy.shape), filter: tf.tensor(filter.dataSync(), filter.shape) }, { ...attrs, inputShape: xShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
    expect(dFilter.shape).toEqual(filterShape);
    expect(dx.shape).toEqual(xShape);
    expect(relativeError(dFilter.dataSync() as Float32Array, expectedDFilter)).toBeLessThan(TOLERANCE);
    expect(relativeError(dx.dataSync() as Float32Array, expectedDx)).toBeLessThan(TOLERANCE);
  });
});

describe('training a small conv net', () => {
  // No bias right before a BatchNormalization (as in the zoo): its gradient is zero up to rounding
  // noise, which no two backends share.
  function buildNet(): tf.LayersModel {
    const input = tf.input({ shape: [12, 11, 3] });
    let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.separableConv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 3 }), pointwiseInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: output });
  }

  async function train(backend: Backend): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    const model = buildNet();
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const images = tf.tensor(randomValues([6, 12, 11, 3], 42), [6, 12, 11, 3]);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    for (let step = 0; step < 4; step++) await model.trainOnBatch(images, labels);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    model.dispose();
    return weights;
  }

  it('reaches the same weights on wasm as on cpu', async () => {
    const reference = await train('cpu');
    const wasm = await train('wasm');
    expect(wasm.length).toBe(reference.length);
    reference.forEach((expected, i) => expect(relativeError(wasm[i]!, expected), `weight ${i}`).toBeLessThan(TOLERANCE));
  });
});

describe('fine-tuning a zoo model', () => {
  // BatchNormalization in inference mode, as when fine-tuning with frozen statistics: with batch
  // statistics of 4 images on 1x1 maps the gradients are so ill-conditioned that a 1e-6 change of
  // the input moves them by 1e-2 on one backend alone.
  /** Gradients of every trainable weight of MobileNetV2 (alpha 0.35) with a dense head, from `initial` weights when given. */
  async function gradients(backend: Backend, initial?: Float32Array[]): Promise<{ initial: Float32Array[]; grads: Float32Array[] }> {
    await tf.setBackend(backend);
    const backbone = buildBackbone('MobileNetV2', { inputShape: [32, 32, 3], alpha: 0.35 });
    const pooled = tf.layers.globalAveragePooling2d({}).apply(backbone.outputs[0]!) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: backbone.inputs, outputs: output });
    if (initial !== undefined) model.setWeights(model.weights.map((w, i) => tf.tensor(initial[i]!, w.shape as number[])));
    const start = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const images = tf.tensor(randomValues([4, 32, 32, 3], 77), [4, 32, 32, 3]);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(images, { training: false }) as tf.Tensor));
    const values = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!.dataSync() as Float32Array);
    model.dispose();
    return { initial: start, grads: values };
  }

  it('MobileNetV2 has the same weight gradients on wasm as on cpu', async () => {
    const reference = await gradients('cpu');
    const wasm = await gradients('wasm', reference.initial);
    expect(wasm.grads.length).toBe(reference.grads.length);
    expect(reference.grads.length).toBeGreaterThan(100);
    reference.grads.forEach((expected, i) => expect(relativeError(wasm.grads[i]!, expected), `weight ${i}`).toBeLessThan(TOLERANCE));
  });
});
