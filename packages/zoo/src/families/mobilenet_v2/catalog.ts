// Catalog entry for the `mobilenet_v2` family (Keras: keras/src/applications/mobilenet_v2.py).
// Plain data, no tfjs.
//
// Blocks: Keras numbers its inverted-residual blocks expanded_conv, block_1 … block_16 and has no
// stage names of its own. We cut at the end of each resolution stage, where the next block
// downsamples (or, for the last one, the model ends), so no residual connection crosses a cut:
//   block1 expanded_conv_project_BN  112x112 (Conv1 + expanded_conv)
//   block2 block_2_add               56x56   (block_1, block_2)
//   block3 block_5_add               28x28   (block_3 … block_5)
//   block4 block_12_add              14x14   (block_6 … block_12)
//   block5 block_15_add              7x7     (block_13 … block_15)
//   block6 out_relu                  7x7     (block_16, Conv_1)
// (sizes for a 224x224 input).
import type { ModelEntry, WeightsFile } from '../../catalog/types';

const BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/';

/** The input sizes Keras publishes weights for; any other size loads the 224 file. */
const PUBLISHED_SIZES = [96, 128, 160, 192, 224];

/** The alphas Keras accepts with ImageNet weights. */
const ALPHAS = [1.0, 0.35, 0.5, 0.75, 1.3, 1.4];

/**
 * The TF-slim checkpoints these files come from exist at every published size for alpha <= 1,
 * but only at 224 for alpha 1.3 and 1.4 (Keras would build a URL that does not exist).
 */
const ONLY_224 = [1.3, 1.4];

/** Python's `str(float(alpha))`, as Keras writes it into the file name: 1 -> "1.0", 0.5 -> "0.5". */
function pythonFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * Keras's rule: the size is the rows of a square input in PUBLISHED_SIZES, otherwise 224
 * (non-square and unpublished sizes fall back to the 224 weights, with a warning in Keras).
 */
function weightsFor(options: { alpha?: number; inputSize?: number }): WeightsFile | null {
  const alpha = options.alpha ?? 1.0;
  if (!ALPHAS.includes(alpha)) return null;
  const requested = options.inputSize ?? 224;
  const rows = PUBLISHED_SIZES.includes(requested) ? requested : 224;
  if (ONLY_224.includes(alpha) && rows !== 224) return null;
  const fileName = `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${pythonFloat(alpha)}_${rows}_no_top.h5`;
  return { url: BASE_URL + fileName, hash: null, hashAlgorithm: null, fileName };
}

export const MODELS: ModelEntry[] = [
  {
    name: 'MobileNetV2',
    family: 'mobilenet_v2',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'Conv1',
    blocks: [
      { name: 'block1', layer: 'expanded_conv_project_BN', keras: 'expanded_conv' },
      { name: 'block2', layer: 'block_2_add', keras: 'block_1..block_2' },
      { name: 'block3', layer: 'block_5_add', keras: 'block_3..block_5' },
      { name: 'block4', layer: 'block_12_add', keras: 'block_6..block_12' },
      { name: 'block5', layer: 'block_15_add', keras: 'block_13..block_15' },
      { name: 'block6', layer: 'out_relu', keras: 'block_16..Conv_1' },
    ],
    alphas: ALPHAS,
    params: { total: 2_257_984, trainable: 2_223_872 },
    weightsFor,
  },
];
