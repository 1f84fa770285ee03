// Catalog entries for the `mobilenet_v3` family, MobileNetV3Small and MobileNetV3Large (Keras:
// keras/src/applications/mobilenet_v3.py; layer names as TF-Keras gives them, which is what the
// `_no_top_v2.h5` weight files hold, see ./tfjs.ts). Plain data, no tfjs.
// Not built: the `minimalistic` variants.
//
// Blocks: Keras numbers its inverted-residual blocks expanded_conv, expanded_conv_1, … and has no
// stage names. We cut at the end of each resolution stage, where the next block downsamples (or
// the model ends), so no residual connection crosses a cut (sizes for a 224x224 input):
//   Small: block1 expanded_conv/project/BatchNorm 56x56 (Conv, block 0)
//          block2 expanded_conv_2/Add             28x28 (blocks 1, 2)
//          block3 expanded_conv_7/Add             14x14 (blocks 3 … 7)
//          block4 expanded_conv_10/Add            7x7   (blocks 8 … 10)
//          block5 multiply_17                     7x7   (Conv_1 and its hard-swish)
//   Large: block1 expanded_conv/Add               112x112 (Conv, block 0)
//          block2 expanded_conv_2/Add             56x56 (blocks 1, 2)
//          block3 expanded_conv_5/Add             28x28 (blocks 3 … 5)
//          block4 expanded_conv_11/Add            14x14 (blocks 6 … 11)
//          block5 expanded_conv_14/Add            7x7   (blocks 12 … 14)
//          block6 multiply_19                     7x7   (Conv_1 and its hard-swish)
// The model rescales its input to [-1, 1] itself: feed raw pixels.
import type { BlockInfo, ModelEntry, WeightsFile } from '../../catalog/types';

const BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/';

/** Keras's md5s of the `_no_top_v2.h5` files, by model type and alpha. */
const NOTOP_MD5: Record<string, string> = {
  'large_1.0': '07fb09a5933dd0c8eaafa16978110389',
  'large_0.75': '40af19a13ebea4e2ee0c676887f69a2e',
  'small_1.0': 'd3e8ec802a04aa4fc771ee12a9a9b836',
  'small_0.75': 'ebdb5cc8e0b497cd13a7c275d475c819',
};

/** Python's `str(float)`: 1 -> "1.0". */
const pythonFloat = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/** Keras publishes 224x224 files only, and loads them whatever the input size. */
function weightsFor(type: 'small' | 'large') {
  return (options: { alpha?: number }): WeightsFile | null => {
    const alpha = pythonFloat(options.alpha ?? 1.0);
    const md5 = NOTOP_MD5[`${type}_${alpha}`];
    if (md5 === undefined) return null;
    const fileName = `weights_mobilenet_v3_${type}_224_${alpha}_float_no_top_v2.h5`;
    return { url: BASE_URL + fileName, hash: md5, hashAlgorithm: 'md5', fileName };
  };
}

const blocks = (layers: Array<[layer: string, keras: string]>): BlockInfo[] =>
  layers.map(([layer, keras], i) => ({ name: `block${i + 1}`, layer, keras }));

export const MODELS: ModelEntry[] = [
  {
    name: 'MobileNetV3Small',
    family: 'mobilenet_v3',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'builtin',
    firstConv: 'Conv',
    blocks: blocks([
      ['expanded_conv/project/BatchNorm', 'expanded_conv'],
      ['expanded_conv_2/Add', 'expanded_conv_1..expanded_conv_2'],
      ['expanded_conv_7/Add', 'expanded_conv_3..expanded_conv_7'],
      ['expanded_conv_10/Add', 'expanded_conv_8..expanded_conv_10'],
      ['multiply_17', 'Conv_1'],
    ]),
    alphas: [1.0, 0.75],
    params: { total: 939_120, trainable: 927_008 },
    weightsFor: weightsFor('small'),
  },
  {
    name: 'MobileNetV3Large',
    family: 'mobilenet_v3',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'builtin',
    firstConv: 'Conv',
    blocks: blocks([
      ['expanded_conv/Add', 'expanded_conv'],
      ['expanded_conv_2/Add', 'expanded_conv_1..expanded_conv_2'],
      ['expanded_conv_5/Add', 'expanded_conv_3..expanded_conv_5'],
      ['expanded_conv_11/Add', 'expanded_conv_6..expanded_conv_11'],
      ['expanded_conv_14/Add', 'expanded_conv_12..expanded_conv_14'],
      ['multiply_19', 'Conv_1'],
    ]),
    alphas: [1.0, 0.75],
    params: { total: 2_996_352, trainable: 2_971_952 },
    weightsFor: weightsFor('large'),
  },
];
