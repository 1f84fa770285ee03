// Catalog entries for the `vgg` family (Keras: keras/src/applications/vgg16.py, vgg19.py).
// Plain data, no tfjs. Blocks are Keras's own block1..block5, each ending at its max pooling.
import type { ModelEntry } from '../../catalog/types';

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications';

const VGG_BLOCKS = [1, 2, 3, 4, 5].map((k) => ({
  name: `block${k}`,
  layer: `block${k}_pool`,
  keras: `block${k}`,
}));

export const MODELS: ModelEntry[] = [
  {
    name: 'VGG16',
    family: 'vgg',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'caffe',
    firstConv: 'block1_conv1',
    blocks: VGG_BLOCKS,
    params: { total: 14_714_688, trainable: 14_714_688 },
    weightsFor: () => ({
      url: `${BASE}/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      hash: '6d6bbae143d832006294945121d1f1fc',
      hashAlgorithm: 'md5',
      fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    }),
  },
  {
    name: 'VGG19',
    family: 'vgg',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'caffe',
    firstConv: 'block1_conv1',
    blocks: VGG_BLOCKS,
    params: { total: 20_024_384, trainable: 20_024_384 },
    weightsFor: () => ({
      url: `${BASE}/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      hash: '253f8cb515780f3b799900260a226db6',
      hashAlgorithm: 'md5',
      fileName: 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
    }),
  },
];
