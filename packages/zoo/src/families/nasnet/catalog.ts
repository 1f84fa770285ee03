// Catalog entries for the `nasnet` family (Keras: keras/src/applications/nasnet.py).
// Plain data, no tfjs.
//
// Blocks are NASNet's cells, in network order: block1 the stem (`stem_bn1`), block2 and block3
// the two stem reduction cells (`reduction_concat_stem_1`, `_stem_2`), then the normal cells
// (`normal_concat_0` …) with a reduction cell (`reduction_concat_reduce_N`) after each third of
// them; the last block is the last normal cell together with the final ReLU, which Keras leaves
// unnamed (`activation_187` in NASNetMobile, `activation_259` in NASNetLarge: the last of the
// automatic `activation` names in creation order) and which is the backbone's output.
// NASNetMobile has 17 blocks (4 normal cells per stage), NASNetLarge 23 (6 per stage).
//
// Cut points: every block ends at one layer whose output is one 4-D tensor, so `cut after`
// gives a proper model. But a NASNet cell reads the outputs of the two cells before it, so only
// block1 and the last block are points where a single tensor carries everything forward. After
// any other block K, the following cells also read one earlier block's output: block K-1's, or,
// in NASNetLarge (skip_reduction) after a reduction cell, block K-2's. Freezing until block K
// should freeze block K's layer and everything upstream of it (a closed set); note that in
// `model.layers` order (sorted by depth, as Keras sorts it) some layers of the next cell that
// read only the earlier block sort before block K's layer, so "every layer up to K's index" is
// not that set. A feature cache at such a boundary must keep both tensors.
// Input size: Keras takes any size >= 32 without the top (obtain_input_shape, min_size=32),
// ImageNet weights included (then with 3 channels and a static shape, no None); only with the
// top is the size fixed (224 / 331). NASNetMobile's default without the top is 224x224.
//
// Layer names: every weighted layer is named by Keras; only activations, paddings, croppings
// and a few adds and concatenations are automatic, and they carry no weights, so the published
// files load by name.
import type { BlockInfo, ModelEntry } from '../../catalog/types';

const BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/nasnet/';

/** The cells of a NASNet with `cellsPerStage` normal cells per stage, and its final ReLU. */
function cellBlocks(cellsPerStage: number, finalActivation: string): BlockInfo[] {
  const n = cellsPerStage;
  const normal = (from: number) =>
    Array.from({ length: n }, (_, i) => ({
      layer: `normal_concat_${from + i}`,
      keras: `normal_A_block_${from + i}`,
    }));
  const stages = [
    { layer: 'stem_bn1', keras: 'stem' },
    { layer: 'reduction_concat_stem_1', keras: 'reduction_A_block_stem_1' },
    { layer: 'reduction_concat_stem_2', keras: 'reduction_A_block_stem_2' },
    ...normal(0),
    { layer: `reduction_concat_reduce_${n}`, keras: `reduction_A_block_reduce_${n}` },
    ...normal(n + 1),
    { layer: `reduction_concat_reduce_${2 * n}`, keras: `reduction_A_block_reduce_${2 * n}` },
    ...normal(2 * n + 1).slice(0, -1),
    { layer: finalActivation, keras: `normal_A_block_${3 * n}` },
  ];
  return stages.map((stage, i) => ({ name: `block${i + 1}`, ...stage }));
}

export const MODELS: ModelEntry[] = [
  {
    name: 'NASNetMobile',
    family: 'nasnet',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'stem_conv1',
    blocks: cellBlocks(4, 'activation_187'),
    params: { total: 4_269_716, trainable: 4_232_978 },
    weightsFor: () => ({
      url: `${BASE_URL}NASNet-mobile-no-top.h5`,
      hash: '1ed92395b5b598bdda52abe5c0dbfd63',
      hashAlgorithm: 'md5',
      fileName: 'nasnet_mobile_no_top.h5',
    }),
  },
  {
    name: 'NASNetLarge',
    family: 'nasnet',
    inputSize: 331,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'stem_conv1',
    blocks: cellBlocks(6, 'activation_259'),
    params: { total: 84_916_818, trainable: 84_720_150 },
    weightsFor: () => ({
      url: `${BASE_URL}NASNet-large-no-top.h5`,
      hash: 'd81d89dc07e6e56530c4e77faddd61b5',
      hashAlgorithm: 'md5',
      fileName: 'nasnet_large_no_top.h5',
    }),
  },
];
