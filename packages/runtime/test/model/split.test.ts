// The trunk/tail split on a real zoo backbone (MobileNet alpha 0.25, 32x32): cut points are the
// single-tensor places, trunk then tail computes exactly what the whole model computes, and the
// tail shares the model's weights (training it trains the model).
import * as tf from '@tensorflow/tfjs';
import { buildBackbone } from '@tlc/zoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, singleTensorCutPoints, splitAtFreezePoint } from '../../src/index';

let model: tf.LayersModel;

beforeAll(async () => {
  await selectBackend('wasm');
  const backbone = buildBackbone('MobileNet', { inputShape: [32, 32, 3], alpha: 0.25 });
  const pooled = tf.layers.globalAveragePooling2d({ name: 'head_pool' }).apply(backbone.getLayer('conv_pw_5_relu').output as tf.SymbolicTensor);
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head_output' }).apply(pooled) as tf.SymbolicTensor;
  model = tf.model({ inputs: backbone.inputs, outputs: out });
});

describe('splitAtFreezePoint', () => {
  it('finds the block ends as cut points', () => {
    const points = singleTensorCutPoints(model);
    for (const block of ['conv_pw_1_relu', 'conv_pw_3_relu', 'conv_pw_5_relu', 'head_pool']) expect(points).toContain(block);
  });

  it('cuts after the last frozen layer; trunk then tail equals the whole model', () => {
    const names = model.layers.map((l) => l.name);
    const frozen = new Set(names.slice(1, names.indexOf('conv_pw_3_relu') + 1));
    const split = splitAtFreezePoint(model, frozen);
    expect(split.cutLayer).toBe('conv_pw_3_relu');
    const x = tf.randomUniform([4, 32, 32, 3]);
    const whole = model.predict(x) as tf.Tensor;
    const parts = split.tail.predict(split.trunk!.predict(x) as tf.Tensor) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(whole, parts))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('with the whole backbone frozen, the trunk takes the head\'s global pooling (avg and max); trunk then tail equals the whole model', () => {
    for (const pool of ['avg', 'max'] as const) {
      const backbone = buildBackbone('MobileNet', { inputShape: [32, 32, 3], alpha: 0.25 });
      const last = backbone.getLayer('conv_pw_5_relu').output as tf.SymbolicTensor;
      const pooling = pool === 'avg' ? tf.layers.globalAveragePooling2d({ name: 'head_pool' }) : tf.layers.globalMaxPooling2d({ name: 'head_pool' });
      const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head_output' }).apply(pooling.apply(last)) as tf.SymbolicTensor;
      const pooled = tf.model({ inputs: backbone.inputs, outputs: out });
      const names = pooled.layers.map((l) => l.name);
      const split = splitAtFreezePoint(pooled, new Set(names.slice(1, names.indexOf('conv_pw_5_relu') + 1)));
      expect(split.cutLayer).toBe('head_pool');
      expect(split.trunk!.outputs[0].shape).toEqual([null, last.shape[3]]);
      expect(split.tail.layers.map((l) => l.name)).toEqual(['head_pool_features', 'head_output']);
      const x = tf.randomUniform([4, 32, 32, 3]);
      const whole = pooled.predict(x) as tf.Tensor;
      const parts = split.tail.predict(split.trunk!.predict(x) as tf.Tensor) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(whole, parts))).dataSync()[0]).toBeLessThan(1e-5);
    }
  });

  it('in a residual network, cuts before a block whose skip connection would cross the cut', () => {
    const v2 = buildBackbone('MobileNetV2', { inputShape: [32, 32, 3], alpha: 0.35 });
    const names = v2.layers.map((l) => l.name);
    const points = singleTensorCutPoints(v2);
    expect(points).toContain('block_2_add');
    expect(points).not.toContain('block_2_expand_relu');
    // Frozen up to the middle of block 2 (its skip connection starts at block_1_project_BN).
    const frozen = new Set(names.slice(1, names.indexOf('block_2_depthwise') + 1));
    const split = splitAtFreezePoint(v2, frozen);
    expect(split.cutLayer).toBe('block_1_project_BN');
    const x = tf.randomUniform([2, 32, 32, 3]);
    const whole = v2.predict(x) as tf.Tensor;
    const parts = split.tail.predict(split.trunk!.predict(x) as tf.Tensor) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(whole, parts))).dataSync()[0]).toBeLessThan(1e-4);
  });

  it('without frozen layers the tail is the whole model', () => {
    const split = splitAtFreezePoint(model, new Set());
    expect(split.trunk).toBeNull();
    expect(split.tail).toBe(model);
  });

  it('shares weights: a change through the tail shows in the whole model', () => {
    const split = splitAtFreezePoint(model, new Set(model.layers.slice(1, 10).map((l) => l.name)));
    const kernel = split.tail.getLayer('head_output').getWeights()[0];
    split.tail.getLayer('head_output').setWeights([tf.zerosLike(kernel), tf.zeros([3])]);
    const p = model.predict(tf.randomUniform([1, 32, 32, 3])) as tf.Tensor;
    expect(Array.from(p.dataSync()).every((v) => Math.abs(v - 1 / 3) < 1e-6)).toBe(true);
  });
});
