// The zoo's BatchNormalization trains without gamma (scale=false, Keras's conv2d_bn) or beta:
// batch statistics in training mode, Keras's moving averages, gradients in both modes, Keras's three
// weights in order, a save/load round trip, and InceptionV3 at 75x75 from random weights in training.
import * as tf from '@tensorflow/tfjs';
import { roundTrip } from './roundTrip';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization } from '../src/layers/index';
import { buildBackbone } from '../src/builders/index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A [2, 3, 3, 4] input with a different mean and spread per channel. */
function sampleInput(): tf.Tensor4D {
  return tf.tidy(() => tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 7).mul([1, 2, 3, 4]).add([5, -1, 0, 2]));
}

function batchMoments(x: tf.Tensor): { mean: Float32Array; variance: Float32Array } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return { mean: mean.dataSync() as Float32Array, variance: variance.dataSync() as Float32Array };
  });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 4): void {
  expect(actual.length).toBe(expected.length);
  Array.from(actual).forEach((a, i) => expect(a, `index ${i}`).toBeCloseTo(expected[i], digits));
}

describe('BatchNormalization without scale', () => {
  it("keeps Keras's three weights, in Keras's order", () => {
    const layer = new BatchNormalization({ axis: 3, scale: false, name: 'bn' });
    layer.apply(tf.input({ shape: [3, 3, 4] }));
    expect(layer.getClassName()).toBe('BatchNormalization');
    expect(layer.weights.map((w) => w.originalName)).toEqual(['bn/beta', 'bn/moving_mean', 'bn/moving_variance']);
    expect(layer.countParams()).toBe(12);
  });

  it('normalises with batch statistics in training and updates the moving ones by the momentum', () => {
    const layer = new BatchNormalization({ axis: 3, scale: false, momentum: 0.9, betaInitializer: 'ones' });
    const x = sampleInput();
    const { mean, variance } = batchMoments(x);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const expected = tf.tidy(() => x.sub(tf.tensor(mean)).div(tf.tensor(variance).add(1e-3).sqrt()).add(1));
    expectClose(y.dataSync(), expected.dataSync());
    const [movingMean, movingVariance] = layer.getWeights().slice(1).map((w) => w.dataSync());
    expectClose(movingMean, Array.from(mean, (m) => 0.1 * m));
    expectClose(movingVariance, Array.from(variance, (v) => 0.9 + 0.1 * v));
    tf.dispose([x, y, expected]);
  });

  it('also trains with neither scale nor center, and in inference uses the moving statistics', () => {
    const layer = new BatchNormalization({ scale: false, center: false, momentum: 0.5 });
    const x = sampleInput();
    const trained = layer.apply(x, { training: true }) as tf.Tensor;
    const { mean: outMean, variance: outVariance } = batchMoments(trained);
    expectClose(outMean, [0, 0, 0, 0]);
    outVariance.forEach((v) => expect(v).toBeGreaterThan(0.99));
    const [movingMean, movingVariance] = layer.getWeights().map((w) => w.dataSync());
    const inferred = layer.apply(x, { training: false }) as tf.Tensor;
    const expected = tf.tidy(() => x.sub(tf.tensor(movingMean)).div(tf.tensor(movingVariance).add(1e-3).sqrt()));
    expectClose(inferred.dataSync(), expected.dataSync());
    tf.dispose([x, trained, inferred, expected]);
  });

  it('gives finite gradients, beta receiving the summed upstream gradient', () => {
    const layer = new BatchNormalization({ scale: false });
    layer.apply(tf.input({ shape: [3, 3, 4] }));
    const x = sampleInput();
    const upstream = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 3);
    const { value, grads } = tf.variableGrads(() => (layer.apply(x, { training: true }) as tf.Tensor).mul(upstream).sum() as tf.Scalar);
    const betaName = layer.weights[0].name;
    expect(Object.keys(grads)).toEqual([betaName]);
    expectClose(grads[betaName].dataSync(), upstream.sum([0, 1, 2]).dataSync());
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    tf.dispose([x, upstream, value, ...Object.values(grads)]);
  });

  it('passes gradients through in inference mode too (a frozen backbone under a trained head)', () => {
    const layer = new BatchNormalization({ scale: false, movingMeanInitializer: 'ones', movingVarianceInitializer: 'ones' });
    layer.apply(tf.input({ shape: [3, 3, 4] }));
    const x = sampleInput();
    const upstream = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 5);
    const { value, grad } = tf.valueAndGrad((input: tf.Tensor) => (layer.apply(input, { training: false }) as tf.Tensor).mul(upstream).sum())(x);
    expectClose(grad.dataSync(), upstream.div(Math.sqrt(1 + 1e-3)).dataSync());
    const expected = tf.tidy(() => x.sub(1).div(Math.sqrt(1 + 1e-3)).mul(upstream).sum());
    expect(value.dataSync()[0]).toBeCloseTo(expected.dataSync()[0], 3);
    tf.dispose([x, upstream, value, grad, expected]);
  });

  it('saves and loads back as this class, weights and config intact, and still trains', async () => {
    const input = tf.input({ shape: [3, 3, 4] });
    const output = new BatchNormalization({ axis: 3, scale: false, momentum: 0.8, name: 'bn' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const x = sampleInput();
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const loaded = await roundTrip(model);
    const layer = loaded.getLayer('bn');
    expect(layer).toBeInstanceOf(BatchNormalization);
    expect(layer.getConfig()).toMatchObject({ axis: 3, scale: false, center: true, momentum: 0.8 });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(loaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    const y = loaded.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });
});

describe('InceptionV3 with BatchNormalization in training mode', () => {
  it('runs forward at 75x75 from random weights, updating every moving statistic by the momentum', () => {
    const model = buildBackbone('InceptionV3', { inputShape: [75, 75, 3] });
    const x = tf.randomUniform([2, 75, 75, 3], -1, 1, 'float32', 11);
    const firstConv = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv2d').output });
    const convOut = firstConv.predict(x) as tf.Tensor;
    const { mean, variance } = batchMoments(convOut);
    const norms = model.layers.filter((layer) => layer instanceof BatchNormalization);
    expect(norms).toHaveLength(94);
    const before = norms.map((layer) => layer.getWeights()[1].dataSync().slice());
    const [, , varianceBefore] = norms[0].getWeights().map((w) => w.dataSync().slice());

    const y = model.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    const [, meanAfter, varianceAfter] = norms[0].getWeights().map((w) => w.dataSync());
    expectClose(meanAfter, Array.from(mean, (m, c) => 0.99 * before[0][c] + 0.01 * m), 3);
    expectClose(varianceAfter, Array.from(variance, (v, c) => 0.99 * varianceBefore[c] + 0.01 * v), 3);
    norms.forEach((layer, i) => expect(layer.getWeights()[1].dataSync(), layer.name).not.toEqual(before[i]));
    tf.dispose([x, convOut, y]);
    model.dispose();
  }, 60_000);

  it('takes a training step through its first conv2d_bn unit with finite gradients', () => {
    // One unit only: convolution gradients on the 'cpu' backend take about a minute per 3x3
    // 64-channel convolution at this size, so a full backward pass is out of reach in a test.
    const backbone = buildBackbone('InceptionV3', { inputShape: [75, 75, 3] });
    const model = tf.model({ inputs: backbone.inputs, outputs: backbone.getLayer('activation').output });
    const x = tf.randomUniform([2, 75, 75, 3], -1, 1, 'float32', 11);
    const { value, grads } = tf.variableGrads(() => (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['conv2d/kernel', 'batch_normalization/beta']);
    for (const weight of model.trainableWeights) {
      const grad = grads[weight.name];
      expect(Array.from(grad.dataSync()).every(Number.isFinite), weight.originalName).toBe(true);
      expect(tf.tidy(() => grad.abs().sum().dataSync()[0]), weight.originalName).toBeGreaterThan(0);
    }
    tf.dispose([x, value, ...Object.values(grads)]);
    backbone.dispose();
  }, 60_000);
});
