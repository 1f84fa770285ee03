// Catalog entries for the `efficientnet` family, EfficientNetB0 … B7
// (Keras: keras/src/applications/efficientnet.py). Plain data, no tfjs.
//
// Blocks follow Keras's own stages: blockK (K = 1 … 7) is Keras's `blockK` (sub-blocks blockKa,
// blockKb, …) and ends at its last sub-block's output (`blockK<last>_add`, or
// `blockKa_project_bn` for a single-block stage); the stem belongs to block1. block8 is Keras's
// `top` (top_conv, top_bn) and ends at `top_activation`. Every stage's first sub-block changes
// the width or the stride, so no residual connection crosses a stage end.
// The model rescales its input itself (Rescaling, Normalization, Rescaling): feed raw pixels.
import type { BlockInfo, ModelEntry } from '../../catalog/types';

const BASE_URL = 'https://storage.googleapis.com/keras-applications/';

/** Sub-blocks per stage before depth scaling (Keras's DEFAULT_BLOCKS_ARGS). */
const BASE_REPEATS = [1, 2, 2, 3, 3, 4, 1];

/** Stage ends for a depth coefficient, with Keras's rounding: ceil(depth * repeats). */
function stageBlocks(depth: number): BlockInfo[] {
  const stages = BASE_REPEATS.map((repeats, i): BlockInfo => {
    const count = Math.ceil(depth * repeats);
    const stage = `block${i + 1}`;
    const layer =
      count === 1 ? `${stage}a_project_bn` : `${stage}${String.fromCharCode(96 + count)}_add`;
    return { name: stage, layer, keras: stage };
  });
  return [...stages, { name: 'block8', layer: 'top_activation', keras: 'top' }];
}

interface Variant {
  name: string;
  suffix: string;
  depth: number;
  inputSize: number;
  md5: string;
  params: { total: number; trainable: number };
}

const VARIANTS: Variant[] = [
  { name: 'EfficientNetB0', suffix: 'b0', depth: 1.0, inputSize: 224, md5: '50bc09e76180e00e4465e1a485ddc09d', params: { total: 4_049_571, trainable: 4_007_548 } },
  { name: 'EfficientNetB1', suffix: 'b1', depth: 1.1, inputSize: 240, md5: '74c4e6b3e1f6a1eea24c589628592432', params: { total: 6_575_239, trainable: 6_513_184 } },
  { name: 'EfficientNetB2', suffix: 'b2', depth: 1.2, inputSize: 260, md5: '111f8e2ac8aa800a7a99e3239f7bfb39', params: { total: 7_768_569, trainable: 7_700_994 } },
  { name: 'EfficientNetB3', suffix: 'b3', depth: 1.4, inputSize: 300, md5: 'af6d107764bb5b1abb91932881670226', params: { total: 10_783_535, trainable: 10_696_232 } },
  { name: 'EfficientNetB4', suffix: 'b4', depth: 1.8, inputSize: 380, md5: 'ebc24e6d6c33eaebbd558eafbeedf1ba', params: { total: 17_673_823, trainable: 17_548_616 } },
  { name: 'EfficientNetB5', suffix: 'b5', depth: 2.2, inputSize: 456, md5: '38879255a25d3c92d5e44e04ae6cec6f', params: { total: 28_513_527, trainable: 28_340_784 } },
  { name: 'EfficientNetB6', suffix: 'b6', depth: 2.6, inputSize: 528, md5: '9ecce42647a20130c1f39a5d4cb75743', params: { total: 40_960_143, trainable: 40_735_704 } },
  { name: 'EfficientNetB7', suffix: 'b7', depth: 3.1, inputSize: 600, md5: 'cbcfe4450ddf6f3ad90b1b398090fe4a', params: { total: 64_097_687, trainable: 63_786_960 } },
];

export const MODELS: ModelEntry[] = VARIANTS.map((v) => {
  const fileName = `efficientnet${v.suffix}_notop.h5`;
  return {
    name: v.name,
    family: 'efficientnet',
    inputSize: v.inputSize,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'builtin',
    firstConv: 'stem_conv',
    blocks: stageBlocks(v.depth),
    params: v.params,
    weightsFor: () => ({ url: BASE_URL + fileName, hash: v.md5, hashAlgorithm: 'md5', fileName }),
  };
});
