// MobileNetV2: the builder agrees with the catalog and Keras's figures at every alpha, the
// weight file follows Keras's alpha / input-size rule, and the model builds fast enough to use.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { buildBackbone } from '../src/builders/index';
import { describeBackbone } from './backboneChecks';

const entry = findModel('MobileNetV2')!;

describe('mobilenet_v2 catalog', () => {
  it("gives Keras's published figure, tf preprocessing and the resolution-stage ends", () => {
    expect(entry.params.total).toBe(2_257_984);
    expect(entry.preprocess).toBe('tf');
    expect(entry.firstConv).toBe('Conv1');
    expect(entry.alphas).toEqual([1.0, 0.35, 0.5, 0.75, 1.3, 1.4]);
    expect(entry.blocks.map((b) => b.layer)).toEqual([
      'expanded_conv_project_BN', 'block_2_add', 'block_5_add', 'block_12_add', 'block_15_add', 'out_relu',
    ]);
  });

  it('names the weight file by alpha and published size, falling back to 224 as Keras does', () => {
    const base = 'https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/';
    expect(entry.weightsFor({})).toEqual({
      url: `${base}mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5`,
      hash: null,
      hashAlgorithm: null,
      fileName: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5',
    });
    const file = (alpha: number, inputSize: number) => entry.weightsFor({ alpha, inputSize })?.fileName;
    expect(file(0.35, 96)).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5');
    expect(file(0.5, 160)).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_160_no_top.h5');
    expect(file(0.75, 100)).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_224_no_top.h5');
    expect(file(1.0, 300)).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5');
    expect(file(1.4, 224)).toBe('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224_no_top.h5');
  });

  it('has no weights for an alpha Keras does not publish, nor 1.3 / 1.4 below 224', () => {
    expect(entry.weightsFor({ alpha: 0.6 })).toBeNull();
    expect(entry.weightsFor({ alpha: 1.3, inputSize: 128 })).toBeNull();
    expect(entry.weightsFor({ alpha: 1.4, inputSize: 96 })).toBeNull();
  });

  it("lists Keras's 154 layers", () => {
    const layers = modelLayers('MobileNetV2')!;
    expect(layers).toHaveLength(154);
    expect(layers.slice(0, 4)).toEqual(['input_1', 'Conv1', 'bn_Conv1', 'Conv1_relu']);
    expect(layers.slice(-3)).toEqual(['Conv_1', 'Conv_1_bn', 'out_relu']);
  });
});

describe('MobileNetV2 widths', () => {
  beforeAll(() => tf.setBackend('cpu'));

  // [alpha, Conv1 filters, last channels]: Keras's _make_divisible(32 * alpha, 8), and 1280
  // scaled only above alpha 1.
  const widths: Array<[number, number, number]> = [
    [0.35, 16, 1280],
    [0.5, 16, 1280],
    [0.75, 24, 1280],
    [1.3, 40, 1664],
    [1.4, 48, 1792],
  ];
  it.each(widths)('alpha %s: Conv1 has %s filters, the output %s channels', (alpha, first, last) => {
    const model = buildBackbone('MobileNetV2', { inputShape: [96, 96, 3], alpha, init: 'zeros' });
    expect(model.getLayer('Conv1').getWeights()[0].shape).toEqual([3, 3, 3, first]);
    expect(model.outputs[0].shape).toEqual([null, 3, 3, last]);
    expect(model.layers.map((l) => l.name)).toEqual(modelLayers('MobileNetV2'));
    model.dispose();
  });

  it('builds at 96x96 with random weights in well under a second, and runs', () => {
    buildBackbone('MobileNetV2', { inputShape: [96, 96, 3], init: 'zeros' }).dispose(); // warm up
    const start = performance.now();
    const model = buildBackbone('MobileNetV2', { inputShape: [96, 96, 3] });
    expect(performance.now() - start).toBeLessThan(1000);
    const x = tf.randomUniform([1, 96, 96, 3], -1, 1);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 3, 3, 1280]);
    expect(y.max().arraySync()).toBeLessThanOrEqual(6); // out_relu is ReLU6
    tf.dispose([x, y]);
    model.dispose();
  });
});

describeBackbone('MobileNetV2');
