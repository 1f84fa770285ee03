// tfjs-layers builders for the `vgg` family (VGG16, VGG19), with Keras's layer names,
// include_top=False, pooling=None (keras/src/applications/vgg16.py, vgg19.py).
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers } from '../../builders/kerasInit';

/** Filters and number of 3x3 convolutions of each of the five blocks. */
type VggConfig = Array<[filters: number, convs: number]>;

function buildVgg(modelName: string, config: VggConfig, options: BuildOptions): tf.LayersModel {
  const init = initializers(options);
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });
  let x = input as tf.SymbolicTensor;
  config.forEach(([filters, convs], b) => {
    const block = `block${b + 1}`;
    for (let c = 1; c <= convs; c++) {
      x = tf.layers
        .conv2d({
          filters,
          kernelSize: 3,
          activation: 'relu',
          padding: 'same',
          kernelInitializer: init.kernel,
          name: `${block}_conv${c}`,
        })
        .apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers
      .maxPooling2d({ poolSize: 2, strides: 2, name: `${block}_pool` })
      .apply(x) as tf.SymbolicTensor;
  });
  return tf.model({ inputs: input, outputs: x, name: modelName });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  VGG16: (options) => buildVgg('vgg16', [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]], options),
  VGG19: (options) => buildVgg('vgg19', [[64, 2], [128, 2], [256, 4], [512, 4], [512, 4]], options),
};
