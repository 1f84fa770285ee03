// Catalog entry for the `mobilenet` family, MobileNet v1 (Keras: keras/src/applications/mobilenet.py).
// Plain data, no tfjs.
//
// Blocks: Keras names its depthwise-separable blocks conv_dw_K / conv_pw_K (K = 1 … 13) and has no
// stage names. There are no residual connections, so every layer is a cut point; we cut at the end
// of each resolution stage, where the next block downsamples (sizes for a 224x224 input):
//   block1 conv_pw_1_relu   112x112 (conv1, block 1)
//   block2 conv_pw_3_relu   56x56   (blocks 2, 3)
//   block3 conv_pw_5_relu   28x28   (blocks 4, 5)
//   block4 conv_pw_11_relu  14x14   (blocks 6 … 11)
//   block5 conv_pw_13_relu  7x7     (blocks 12, 13)
import type { ModelEntry, WeightsFile } from '../../catalog/types';

const BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/';

/** The input sizes Keras publishes weights for; any other size loads the 224 file. */
const PUBLISHED_SIZES = [128, 160, 192, 224];

/** The alphas Keras accepts with ImageNet weights, and how the file name spells each. */
const ALPHA_TEXT = new Map<number, string>([
  [1.0, '1_0'],
  [0.25, '2_5'],
  [0.5, '5_0'],
  [0.75, '7_5'],
]);

/**
 * The sha256 of the files whose hash is known: the values of the SHA-256 table later Keras
 * versions publish (Keras's current source passes no hash for MobileNet v1). The 0.25 / 224
 * file is shipped with tlc (packages/zoo/weights/) and checked against this on every use.
 */
const SHA256 = new Map<string, string>([
  ['mobilenet_2_5_224_tf_no_top.h5', 'dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf'],
]);

/**
 * Keras's rule: the size is the rows of a square input in PUBLISHED_SIZES, otherwise 224
 * (non-square and unpublished sizes fall back to the 224 weights, with a warning in Keras).
 * Files without a known hash download unverified, as in Keras.
 */
function weightsFor(options: { alpha?: number; inputSize?: number }): WeightsFile | null {
  const alphaText = ALPHA_TEXT.get(options.alpha ?? 1.0);
  if (alphaText === undefined) return null;
  const requested = options.inputSize ?? 224;
  const rows = PUBLISHED_SIZES.includes(requested) ? requested : 224;
  const fileName = `mobilenet_${alphaText}_${rows}_tf_no_top.h5`;
  const hash = SHA256.get(fileName) ?? null;
  return { url: BASE_URL + fileName, hash, hashAlgorithm: hash === null ? null : 'sha256', fileName };
}

export const MODELS: ModelEntry[] = [
  {
    name: 'MobileNet',
    family: 'mobilenet',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'conv1',
    blocks: [
      { name: 'block1', layer: 'conv_pw_1_relu', keras: 'conv_pw_1' },
      { name: 'block2', layer: 'conv_pw_3_relu', keras: 'conv_pw_3' },
      { name: 'block3', layer: 'conv_pw_5_relu', keras: 'conv_pw_5' },
      { name: 'block4', layer: 'conv_pw_11_relu', keras: 'conv_pw_11' },
      { name: 'block5', layer: 'conv_pw_13_relu', keras: 'conv_pw_13' },
    ],
    alphas: [...ALPHA_TEXT.keys()],
    params: { total: 3_228_864, trainable: 3_206_976 },
    weightsFor,
  },
];
