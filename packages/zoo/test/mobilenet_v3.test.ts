// MobileNetV3Small / Large: builders agree with the catalog and Keras's figures, with TF-Keras's
// layer names (those in the weight files); hard-swish and the keep-dims pooling compute what
// Keras's do.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { buildBackbone } from '../src/builders/index';
import { GlobalAveragePooling2DKeepDims } from '../src/layers/index';
import { describeBackbone } from './backboneChecks';

describe('mobilenet_v3 catalog', () => {
  it("gives Keras's figures, built-in preprocessing and the no_top_v2 files (224 only)", () => {
    const small = findModel('MobileNetV3Small')!;
    const large = findModel('MobileNetV3Large')!;
    expect(small.params.total).toBe(939_120);
    expect(large.params.total).toBe(2_996_352);
    expect(large.preprocess).toBe('builtin');
    expect(large.weightsFor({ inputSize: 160 })).toEqual({
      url: 'https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5',
      hash: '07fb09a5933dd0c8eaafa16978110389',
      hashAlgorithm: 'md5',
      fileName: 'weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5',
    });
    expect(small.weightsFor({ alpha: 0.75 })?.fileName).toBe('weights_mobilenet_v3_small_224_0.75_float_no_top_v2.h5');
    expect(small.weightsFor({ alpha: 0.5 })).toBeNull();
  });

  it("names layers as TF-Keras does, its operator layers included", () => {
    const layers = modelLayers('MobileNetV3Large')!;
    expect(layers.slice(0, 8)).toEqual([
      'input_1', 'rescaling', 'Conv', 'Conv/BatchNorm', 'tf.__operators__.add', 're_lu',
      'tf.math.multiply', 'multiply',
    ]);
    const se = layers.indexOf('expanded_conv_3/squeeze_excite/AvgPool');
    expect(layers.slice(se, se + 8)).toEqual([
      'expanded_conv_3/squeeze_excite/AvgPool', 'expanded_conv_3/squeeze_excite/Conv',
      'expanded_conv_3/squeeze_excite/Relu', 'expanded_conv_3/squeeze_excite/Conv_1',
      'tf.__operators__.add_1', 're_lu_8', 'tf.math.multiply_1', 'expanded_conv_3/squeeze_excite/Mul',
    ]);
    expect(layers.at(-1)).toBe('multiply_19');
    expect(modelLayers('MobileNetV3Small')!.at(-1)).toBe('multiply_17');
  });
});

describe('MobileNetV3 computation', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('computes hard-swish x * relu6(x + 3) / 6 with the stem\'s layers', () => {
    const model = buildBackbone('MobileNetV3Small', { inputShape: [32, 32, 3], init: 'zeros' });
    const layer = (name: string) => model.getLayer(name);
    const x = tf.tensor4d([-4, -1, 0.5, 5], [1, 1, 1, 4]);
    const gate = layer('tf.math.multiply').apply(
      layer('re_lu').apply(layer('tf.__operators__.add').apply(x)),
    ) as tf.Tensor;
    const y = layer('multiply').apply([x, gate]) as tf.Tensor;
    const hardSwish = (v: number) => (v * Math.min(6, Math.max(0, v + 3))) / 6;
    Array.from(y.dataSync()).forEach((value, i) =>
      expect(value).toBeCloseTo(hardSwish([-4, -1, 0.5, 5][i]), 6),
    );
    tf.dispose([x, gate, y]);
    model.dispose();
  });

  it('scales every width by alpha 0.75 (Keras: _depth(filters * alpha))', () => {
    const model = buildBackbone('MobileNetV3Large', { inputShape: [64, 64, 3], alpha: 0.75, init: 'zeros' });
    expect(model.getLayer('expanded_conv_14/project').getWeights()[0].shape).toEqual([1, 1, 720, 120]);
    expect(model.outputs[0].shape).toEqual([null, 2, 2, 720]);
    model.dispose();
  });

  it('pools to a 1x1 image with keepdims, and loads again from its JSON', async () => {
    const input = tf.input({ shape: [3, 3, 2] });
    const out = new GlobalAveragePooling2DKeepDims({ name: 'pool' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    expect(out.shape).toEqual([null, 1, 1, 2]);
    const x = tf.tensor4d(Array.from({ length: 18 }, (_, i) => i), [1, 3, 3, 2]);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual([8, 9]);
    const reloaded = await tf.models.modelFromJSON(model.toJSON(null, false) as never);
    expect(reloaded.getLayer('pool')).toBeInstanceOf(GlobalAveragePooling2DKeepDims);
    x.dispose();
    model.dispose();
    reloaded.dispose();
  });
});

describeBackbone('MobileNetV3Small');
describeBackbone('MobileNetV3Large');
