// Catalog entries for the `efficientnet_v2` family, EfficientNetV2B0 … B3, S, M, L
// (Keras: keras/src/applications/efficientnet_v2.py). Plain data, no tfjs.
//
// Blocks follow Keras's own stages: blockK is Keras's `blockK` (sub-blocks blockKa, blockKb, …)
// and ends at its last sub-block's output, `blockK<last>_add`; a stage of one sub-block (only
// EfficientNetV2B0's block1, a fused block without expansion) ends at `block1a_project_activation`.
// The stem belongs to block1. The last block is Keras's `top` and ends at `top_activation`.
// Every stage's first sub-block changes the width or the stride, so no residual connection
// crosses a stage end. The model rescales its input itself: feed raw pixels.
import type { BlockInfo, ModelEntry } from '../../catalog/types';

const BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/';

/** Sub-blocks per stage before depth scaling (Keras's DEFAULT_BLOCKS_ARGS). */
const REPEATS = {
  b: [1, 2, 2, 3, 5, 8],
  s: [2, 4, 4, 6, 9, 15],
  m: [3, 5, 5, 7, 14, 18, 5],
  l: [4, 7, 7, 10, 19, 25, 7],
};

/** Stage ends for a depth coefficient, with Keras's rounding: ceil(depth * repeats). */
function stageBlocks(repeats: number[], depth: number): BlockInfo[] {
  const stages = repeats.map((base, i): BlockInfo => {
    const count = Math.ceil(depth * base);
    const stage = `block${i + 1}`;
    const layer =
      count === 1 ? `${stage}a_project_activation` : `${stage}${String.fromCharCode(96 + count)}_add`;
    return { name: stage, layer, keras: stage };
  });
  return [...stages, { name: `block${repeats.length + 1}`, layer: 'top_activation', keras: 'top' }];
}

interface Variant {
  name: string;
  suffix: string;
  repeats: number[];
  depth: number;
  inputSize: number;
  md5: string;
  params: { total: number; trainable: number };
}

const VARIANTS: Variant[] = [
  { name: 'EfficientNetV2B0', suffix: 'b0', repeats: REPEATS.b, depth: 1.0, inputSize: 224, md5: '893217f2bb855e2983157299931e43ff', params: { total: 5_919_312, trainable: 5_858_704 } },
  { name: 'EfficientNetV2B1', suffix: 'b1', repeats: REPEATS.b, depth: 1.1, inputSize: 240, md5: '0e80663031ca32d657f9caa404b6ec37', params: { total: 6_931_124, trainable: 6_860_052 } },
  { name: 'EfficientNetV2B2', suffix: 'b2', repeats: REPEATS.b, depth: 1.2, inputSize: 260, md5: '1dfe2e7a5d45b6632553a8961ea609eb', params: { total: 8_769_374, trainable: 8_687_086 } },
  { name: 'EfficientNetV2B3', suffix: 'b3', repeats: REPEATS.b, depth: 1.4, inputSize: 300, md5: 'f6abf7b5849ac99a89b50dd3fd532856', params: { total: 12_930_622, trainable: 12_821_406 } },
  { name: 'EfficientNetV2S', suffix: 's', repeats: REPEATS.s, depth: 1.0, inputSize: 384, md5: 'af0682fb74e8c54910f2d4393339c070', params: { total: 20_331_360, trainable: 20_177_488 } },
  { name: 'EfficientNetV2M', suffix: 'm', repeats: REPEATS.m, depth: 1.0, inputSize: 480, md5: '1b8dc055df72dde80d614482840fe342', params: { total: 53_150_388, trainable: 52_858_356 } },
  { name: 'EfficientNetV2L', suffix: 'l', repeats: REPEATS.l, depth: 1.0, inputSize: 480, md5: 'b0b66b5c863aef5b46e8608fe1711615', params: { total: 117_746_848, trainable: 117_234_272 } },
];

export const MODELS: ModelEntry[] = VARIANTS.map((v) => {
  const fileName = `efficientnetv2-${v.suffix}_notop.h5`;
  return {
    name: v.name,
    family: 'efficientnet_v2',
    inputSize: v.inputSize,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'builtin',
    firstConv: 'stem_conv',
    blocks: stageBlocks(v.repeats, v.depth),
    params: v.params,
    weightsFor: () => ({ url: BASE_URL + fileName, hash: v.md5, hashAlgorithm: 'md5', fileName }),
  };
});
