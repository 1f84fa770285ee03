// Catalog entries for the `densenet` family (Keras: keras/src/applications/densenet.py).
// Plain data, no tfjs. block1 is the stem (conv1 + pool1); blocks 2–4 are a dense block with
// the transition after it (ending at its average pooling); block5 is the last dense block with
// the final bn / relu.
import type { ModelEntry } from '../../catalog/types';

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications/densenet';

function densenet(
  name: string,
  fileStem: string,
  params: { total: number; trainable: number },
  hash: string,
): ModelEntry {
  const fileName = `${fileStem}_weights_tf_dim_ordering_tf_kernels_notop.h5`;
  return {
    name,
    family: 'densenet',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'torch',
    firstConv: 'conv1_conv',
    blocks: [
      { name: 'block1', layer: 'pool1', keras: 'conv1' },
      { name: 'block2', layer: 'pool2_pool', keras: 'conv2' },
      { name: 'block3', layer: 'pool3_pool', keras: 'conv3' },
      { name: 'block4', layer: 'pool4_pool', keras: 'conv4' },
      { name: 'block5', layer: 'relu', keras: 'conv5' },
    ],
    params,
    weightsFor: () => ({ url: `${BASE}/${fileName}`, hash, hashAlgorithm: 'md5', fileName }),
  };
}

export const MODELS: ModelEntry[] = [
  densenet('DenseNet121', 'densenet121', { total: 7_037_504, trainable: 6_953_856 }, '30ee3e1110167f948a6b9946edeeb738'),
  densenet('DenseNet169', 'densenet169', { total: 12_642_880, trainable: 12_484_480 }, 'b8c4d4c20dd625c148057b9ff1c1176b'),
  densenet('DenseNet201', 'densenet201', { total: 18_321_984, trainable: 18_092_928 }, 'c13680b51ded0fb44dff2d8f86ac8bb1'),
];
