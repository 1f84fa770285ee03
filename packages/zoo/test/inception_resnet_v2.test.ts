// InceptionResNetV2: the builder agrees with the catalog and Keras's figures; its residual
// scaling layer computes x + up * scale and survives a save and load.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { findModel, modelLayers } from '../src/catalog/index';
import { CustomScaleLayer } from '../src/layers/index';
import { describeBackbone } from './backboneChecks';

describe('inception_resnet_v2 catalog', () => {
  it("gives Keras's figures, tf preprocessing, minimum 75 and the notop file", () => {
    const model = findModel('InceptionResNetV2')!;
    expect(model.params).toEqual({ total: 54_336_736, trainable: 54_276_192 });
    expect(model.preprocess).toBe('tf');
    expect([model.inputSize, model.minInputSize]).toEqual([299, 75]);
    expect(model.weightsFor({})?.url).toBe(
      'https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5',
    );
  });

  it('has one block per stage and per residual unit, ending at conv_7b_ac', () => {
    const layers = findModel('InceptionResNetV2')!.blocks.map((b) => b.layer);
    expect(layers).toHaveLength(44);
    expect(layers.slice(0, 3)).toEqual(['max_pooling2d_1', 'mixed_5b', 'block35_1_ac']);
    expect(layers[12]).toBe('mixed_6a');
    expect(layers[32]).toBe('block17_20_ac');
    expect(layers[33]).toBe('mixed_7a');
    expect(layers.slice(-2)).toEqual(['block8_9_ac', 'conv_7b_ac']);
  });

  it("lists Keras's 780 layers with 40 residual scaling layers", () => {
    const layers = modelLayers('InceptionResNetV2')!;
    expect(layers).toHaveLength(780);
    expect(layers.filter((name) => name.startsWith('custom_scale_layer'))).toHaveLength(40);
    expect(layers.slice(-5)).toEqual(['block8_10_conv', 'custom_scale_layer_39', 'conv_7b', 'conv_7b_bn', 'conv_7b_ac']);
  });
});

describe('CustomScaleLayer', () => {
  it('adds the scaled second input to the first, and loads again from its JSON', async () => {
    await tf.setBackend('cpu');
    const a = tf.input({ shape: [2, 2, 3] });
    const b = tf.input({ shape: [2, 2, 3] });
    const out = new CustomScaleLayer({ scale: 0.17, name: 'custom_scale_layer' }).apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b], outputs: out });
    const x = tf.randomUniform([1, 2, 2, 3]);
    const up = tf.randomUniform([1, 2, 2, 3]);
    const expected = await x.add(up.mul(0.17)).array();
    expect(await (model.predict([x, up]) as tf.Tensor).array()).toEqual(expected);

    const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
    const reloaded = await tf.models.modelFromJSON({ modelTopology: topology });
    expect(reloaded.getLayer('custom_scale_layer').getConfig().scale).toBe(0.17);
    expect(await (reloaded.predict([x, up]) as tf.Tensor).array()).toEqual(expected);
    tf.dispose([x, up]);
    model.dispose();
    reloaded.dispose();
  });
});

describeBackbone('InceptionResNetV2');
