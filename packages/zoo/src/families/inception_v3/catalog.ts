// Catalog entries for the `inception_v3` family (Keras: keras/src/applications/inception_v3.py).
// Plain data, no tfjs.
//
// Blocks: block1 is the stem (the five stem convolutions and both max-poolings, ending at
// `max_pooling2d_1`, 35x35x192 at 299x299); block2 … block12 are Keras's inception modules
// `mixed0` … `mixed10`, one block each (mixed0–2 at 35x35, mixed3–7 at 17x17, mixed8–10 at 8x8).
// Every `mixedN` is a Concatenate whose output is the only tensor the rest of the network reads.
//
// Layer names: Keras leaves InceptionV3's convolutions, batch norms, activations and poolings
// unnamed, so they get Keras 3 / tf.keras automatic names in creation order (`conv2d`,
// `conv2d_1` … `conv2d_93`, `batch_normalization` …, `activation` …, `max_pooling2d` …); the
// builder names them explicitly in that order. The published `_notop.h5` file predates those
// names: it was written by Keras 1 or early Keras 2, whose automatic names were numbered from 1
// (`convolution2d_1` … or `conv2d_1` …; the file cannot be fetched here to check which), and
// Keras itself loads it by topological order, never by name. So a loader must not match this
// file's automatic names by name (`conv2d_1` in the file would be this model's `conv2d`, one off):
// it must take weighted layers in order (the builder's `model.layers` order equals Keras's).
import type { ModelEntry } from '../../catalog/types';

const BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/';
const NOTOP_FILE = 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5';

const MIXED = Array.from({ length: 11 }, (_, i) => ({
  name: `block${i + 2}`,
  layer: `mixed${i}`,
  keras: `mixed${i}`,
}));

export const MODELS: ModelEntry[] = [
  {
    name: 'InceptionV3',
    family: 'inception_v3',
    inputSize: 299,
    minInputSize: 75,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'conv2d',
    weightsMatch: 'order',
    blocks: [{ name: 'block1', layer: 'max_pooling2d_1', keras: 'stem' }, ...MIXED],
    // 94 convolutions without bias, each followed by a BatchNormalization with scale=False:
    // the non-trainable 34,432 are those batch norms' moving means and variances.
    params: { total: 21_802_784, trainable: 21_768_352 },
    weightsFor: () => ({
      url: BASE_URL + NOTOP_FILE,
      hash: 'bcbd6486424b2319ff4ef7d526e38f63',
      hashAlgorithm: 'md5',
      fileName: NOTOP_FILE,
    }),
  },
];
