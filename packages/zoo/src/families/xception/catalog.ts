// Catalog entries for the `xception` family (Keras: keras/src/applications/xception.py).
// Plain data, no tfjs.
//
// Blocks are Keras's own `block1` … `block14`: the entry flow (block1 the two stem convolutions,
// block2–4 the strided separable blocks), the middle flow (block5–12, eight identical residual
// blocks) and the exit flow (block13, block14). A residual block ends at its `add` layer, whose
// output is the only tensor the next block reads; Keras leaves those adds unnamed, so they are
// `add`, `add_1` … `add_11` in creation order (block2 ends at `add`, block13 at `add_11`).
// block1 ends at `block1_conv2_act`, block14 at `block14_sepconv2_act`, the backbone's output.
//
// Layer names: the four residual 1x1 convolutions and their batch norms are unnamed in Keras
// (`conv2d` … `conv2d_3`, `batch_normalization` … `batch_normalization_3`). The published
// `_notop.h5` file was written by Keras 1 with automatic names throughout (`convolution2d_1`,
// …, not `block1_conv1`, as reported in keras-team/keras#9683): Keras loads it by topological
// order, and so must our loader (the builder's layer order equals Keras's).
import type { ModelEntry } from '../../catalog/types';

const NOTOP_FILE = 'xception_weights_tf_dim_ordering_tf_kernels_notop.h5';

/** block5 … block12 (middle flow) end at add_3 … add_10. */
const MIDDLE_FLOW = Array.from({ length: 8 }, (_, i) => ({
  name: `block${i + 5}`,
  layer: `add_${i + 3}`,
  keras: `block${i + 5}`,
}));

export const MODELS: ModelEntry[] = [
  {
    name: 'Xception',
    family: 'xception',
    inputSize: 299,
    minInputSize: 71,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'block1_conv1',
    weightsMatch: 'order',
    blocks: [
      { name: 'block1', layer: 'block1_conv2_act', keras: 'block1' },
      { name: 'block2', layer: 'add', keras: 'block2' },
      { name: 'block3', layer: 'add_1', keras: 'block3' },
      { name: 'block4', layer: 'add_2', keras: 'block4' },
      ...MIDDLE_FLOW,
      { name: 'block13', layer: 'add_11', keras: 'block13' },
      { name: 'block14', layer: 'block14_sepconv2_act', keras: 'block14' },
    ],
    params: { total: 20_861_480, trainable: 20_806_952 },
    weightsFor: () => ({
      url: `https://storage.googleapis.com/tensorflow/keras-applications/xception/${NOTOP_FILE}`,
      hash: 'b0042744bf5b25fce3cb969f33bebb97',
      hashAlgorithm: 'md5',
      fileName: NOTOP_FILE,
    }),
  },
];
