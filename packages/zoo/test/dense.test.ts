// The zoo's Dense trains like tfjs's Dense (same outputs, same kernel and bias gradients, for
// fused and unfused activations) without computing the gradient of its input when nothing needs
// it; it keeps tfjs's weights and config, and models saved with it load back as it.
import * as tf from '@tensorflow/tfjs';
import { roundTrip } from './roundTrip';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../src/layers/index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Activation = 'relu' | 'softmax' | 'linear' | 'sigmoid';

/** A one-layer model on [n, 12] inputs, with the zoo's or tfjs's Dense, seeded the same way. */
function oneLayer(kind: 'zoo' | 'tfjs', activation: Activation, useBias = true): tf.LayersModel {
  const args = { units: 5, activation, useBias, name: 'dense', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) };
  const input = tf.input({ shape: [12] });
  const layer = kind === 'zoo' ? new Dense(args) : tf.layers.dense(args);
  return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
}

/** The gradients of a loss on `model`'s training-mode output, with respect to its trainable weights. */
function gradients(model: tf.LayersModel, x: tf.Tensor): { value: number; grads: Float32Array[] } {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = model.apply(x, { training: true }) as tf.Tensor;
    return tf.sum(tf.mul(out, tf.linspace(-1, 1, out.size).reshape(out.shape)));
  }, variables);
  const result = { value: value.dataSync()[0], grads: variables.map((v) => grads[v.name].dataSync() as Float32Array) };
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  return result;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  Array.from(actual).forEach((a, i) => expect(a, `index ${i}`).toBeCloseTo(expected[i], 5));
}

describe('Dense', () => {
  const x = tf.randomNormal([7, 12], 0, 1, 'float32', 11);

  for (const activation of ['relu', 'softmax', 'linear', 'sigmoid'] as const) {
    it(`gives tfjs's outputs and kernel and bias gradients in training (${activation})`, () => {
      const ours = oneLayer('zoo', activation);
      const theirs = oneLayer('tfjs', activation);
      expectClose((ours.apply(x, { training: true }) as tf.Tensor).dataSync(), (theirs.apply(x, { training: true }) as tf.Tensor).dataSync());
      expectClose((ours.predict(x) as tf.Tensor).dataSync(), (theirs.predict(x) as tf.Tensor).dataSync());
      const a = gradients(ours, x);
      const b = gradients(theirs, x);
      expect(a.value).toBeCloseTo(b.value, 4);
      expect(a.grads).toHaveLength(2);
      a.grads.forEach((g, i) => expectClose(g, b.grads[i]));
    });
  }

  it('trains without a bias', () => {
    const a = gradients(oneLayer('zoo', 'relu', false), x);
    const b = gradients(oneLayer('tfjs', 'relu', false), x);
    expect(a.grads).toHaveLength(1);
    expectClose(a.grads[0], b.grads[0]);
  });

  it("computes no input gradient for a first layer, where tfjs's fused path computes one", async () => {
    const matMuls = async (model: tf.LayersModel) => {
      const profile = await tf.profile(() => {
        gradients(model, x);
      });
      return profile.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul').length;
    };
    // Forward and kernel gradient only; tfjs's fused matMul adds the input gradient.
    expect(await matMuls(oneLayer('zoo', 'softmax'))).toBe(2);
    expect(await matMuls(oneLayer('tfjs', 'softmax'))).toBe(3);
  });

  it("still passes the gradient on to layers below it", () => {
    const input = tf.input({ shape: [12] });
    const hidden = new Dense({ units: 6, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) });
    const top = new Dense({ units: 3, activation: 'softmax', name: 'top', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) });
    const ours = tf.model({ inputs: input, outputs: top.apply(hidden.apply(input)) as tf.SymbolicTensor });
    const input2 = tf.input({ shape: [12] });
    const hidden2 = tf.layers.dense({ units: 6, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) });
    const top2 = tf.layers.dense({ units: 3, activation: 'softmax', name: 'top', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) });
    const theirs = tf.model({ inputs: input2, outputs: top2.apply(hidden2.apply(input2)) as tf.SymbolicTensor });
    const a = gradients(ours, x);
    const b = gradients(theirs, x);
    expect(a.grads).toHaveLength(4);
    a.grads.forEach((g, i) => expectClose(g, b.grads[i]));
    expect(Math.max(...a.grads[0].map(Math.abs))).toBeGreaterThan(0);
  });

  it("keeps tfjs's class name, weights and config, and loads back as itself", async () => {
    const model = oneLayer('zoo', 'relu');
    const layer = model.getLayer('dense');
    expect(layer.getClassName()).toBe('Dense');
    expect(layer.weights.map((w) => w.originalName)).toEqual(['dense/kernel', 'dense/bias']);
    expect(layer.getConfig()).toEqual(oneLayer('tfjs', 'relu').getLayer('dense').getConfig());
    const loaded = await roundTrip(model);
    expect(loaded.getLayer('dense')).toBeInstanceOf(Dense);
    expectClose((loaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync());
  });
});
