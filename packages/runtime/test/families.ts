// The smallest member of each zoo family (with its width where the family has one): the models the
// cross-runtime equivalence tests (ONNX, the WebGPU provider, the PyTorch module) build, and one
// small model of the layer types and activations those families do not reach.
import * as tf from '@tensorflow/tfjs';

export const SMALLEST_OF_EACH_FAMILY: [name: string, alpha?: number][] = [
  ['VGG16'],
  ['ResNet50'],
  ['ResNet50V2'],
  ['DenseNet121'],
  ['ConvNeXtTiny'],
  ['InceptionV3'],
  ['InceptionResNetV2'],
  ['Xception'],
  ['NASNetMobile'],
  ['MobileNet', 0.25],
  ['MobileNetV2', 0.35],
  ['MobileNetV3Small', 0.75],
  ['EfficientNetB0'],
  ['EfficientNetV2B0'],
];

/** Every other layer type and activation tlc converts, in one small model (its average pooling named `avg_pool`). */
export function layerTypesBeyondTheFamilies(): tf.LayersModel {
  const input = tf.input({ shape: [19, 23, 2] });
  const conv = (args: Parameters<typeof tf.layers.conv2d>[0]) => tf.layers.conv2d(args).apply(input) as tf.SymbolicTensor;
  const a = conv({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'gelu' });
  const b = conv({ filters: 4, kernelSize: [3, 2], strides: [1, 1], padding: 'same', activation: 'swish' });
  let x = tf.layers.concatenate().apply([
    tf.layers.multiply().apply([a, b]) as tf.SymbolicTensor,
    tf.layers.average().apply([a, b]) as tf.SymbolicTensor,
    tf.layers.maximum().apply([a, b]) as tf.SymbolicTensor,
    tf.layers.minimum().apply([a, b]) as tf.SymbolicTensor,
  ]) as tf.SymbolicTensor;
  const apply = (layer: tf.layers.Layer) => {
    x = layer.apply(x) as tf.SymbolicTensor;
  };
  apply(tf.layers.separableConv2d({ filters: 6, kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', activation: 'hardSigmoid' }));
  apply(tf.layers.batchNormalization({ center: false, scale: false }));
  apply(tf.layers.cropping2D({ cropping: [[1, 0], [0, 2]] }));
  apply(tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'avg_pool' }));
  apply(tf.layers.conv2d({ filters: 5, kernelSize: 1, activation: 'elu' }));
  apply(tf.layers.dense({ units: 6, activation: 'tanh' }));
  apply(tf.layers.layerNormalization({ axis: -1 }));
  apply(tf.layers.activation({ activation: 'softplus' }));
  apply(tf.layers.leakyReLU({ alpha: 0.2 }));
  apply(tf.layers.softmax({ axis: -1 }));
  const pooled = tf.layers.globalMaxPooling2d({}).apply(x) as tf.SymbolicTensor;
  let flat = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  flat = tf.layers.concatenate().apply([flat, pooled]) as tf.SymbolicTensor;
  flat = tf.layers.dense({ units: 8, activation: 'selu' }).apply(flat) as tf.SymbolicTensor;
  flat = tf.layers.layerNormalization({ axis: -1 }).apply(flat) as tf.SymbolicTensor;
  flat = tf.layers.batchNormalization().apply(flat) as tf.SymbolicTensor;
  flat = tf.layers.reshape({ targetShape: [2, 2, 2] }).apply(flat) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'relu6' }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
