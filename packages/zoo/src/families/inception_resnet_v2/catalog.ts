// Catalog entries for the `inception_resnet_v2` family
// (Keras: keras/src/applications/inception_resnet_v2.py). Plain data, no tfjs.
//
// Blocks, in network order (44): block1 the stem (ending at `max_pooling2d_1`, 35x35x192 at
// 299x299); block2 `mixed_5b` (Inception-A); block3–12 the ten Inception-ResNet-A units
// `block35_1_ac` … `block35_10_ac`; block13 `mixed_6a` (Reduction-A); block14–33 the twenty
// Inception-ResNet-B units `block17_1_ac` … `block17_20_ac`; block34 `mixed_7a` (Reduction-B);
// block35–43 the Inception-ResNet-C units `block8_1_ac` … `block8_9_ac`; block44 the last unit
// `block8_10` (which has no activation) together with the final 1x1 convolution, ending at
// `conv_7b_ac`. Each residual unit ends at its activation, the only tensor the next unit reads.
//
// Layer names: Keras names each unit's concatenation (`block35_1_mixed`), its 1x1 projection
// (`block35_1_conv`) and activation (`block35_1_ac`), but leaves the branch convolutions, their
// batch norms and activations, the poolings and the residual scaling layer unnamed: they are
// `conv2d` …, `batch_normalization` …, `activation` …, `max_pooling2d` …, and
// `custom_scale_layer` … (Keras 3's CustomScaleLayer; Keras 2 used a Lambda named
// `block35_1`) in creation order. Keras loads the published `_notop.h5` by topological order;
// the file was written in the Keras 2.0 era, when automatic names were numbered from 1
// (`conv2d_1` …, one off from these; it cannot be fetched here to check), so a loader must
// match the named layers by name and take the automatic ones by order, never by their
// (shifted) names.
import type { BlockInfo, ModelEntry } from '../../catalog/types';

const NOTOP_FILE = 'inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5';

function units(kind: string, count: number): { layer: string; keras: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    layer: `${kind}_${i + 1}_ac`,
    keras: `${kind}_${i + 1}`,
  }));
}

const STAGES: { layer: string; keras: string }[] = [
  { layer: 'max_pooling2d_1', keras: 'stem' },
  { layer: 'mixed_5b', keras: 'mixed_5b' },
  ...units('block35', 10),
  { layer: 'mixed_6a', keras: 'mixed_6a' },
  ...units('block17', 20),
  { layer: 'mixed_7a', keras: 'mixed_7a' },
  ...units('block8', 9),
  { layer: 'conv_7b_ac', keras: 'conv_7b' },
];

const BLOCKS: BlockInfo[] = STAGES.map((stage, i) => ({ name: `block${i + 1}`, ...stage }));

export const MODELS: ModelEntry[] = [
  {
    name: 'InceptionResNetV2',
    family: 'inception_resnet_v2',
    inputSize: 299,
    minInputSize: 75,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'conv2d',
    weightsMatch: 'order',
    blocks: BLOCKS,
    params: { total: 54_336_736, trainable: 54_276_192 },
    weightsFor: () => ({
      url: `https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/${NOTOP_FILE}`,
      hash: 'd19885ff4a710c122648d3b5c3b684e4',
      hashAlgorithm: 'md5',
      fileName: NOTOP_FILE,
    }),
  },
];
