// Catalog entries for the `convnext` family (Keras: keras/src/applications/convnext.py).
// Plain data, no tfjs. block1 is the stem (the nested `<name>_stem` model, after the built-in
// Normalization), blocks 2–5 are stages 0–3 (each with the downsampling before it), ending at
// the stage's last residual addition; block5 ends at the final layer normalization.
// Keras leaves the residual additions unnamed: TF-Keras calls them `tf.__operators__.add`,
// `tf.__operators__.add_1`, … in network order, and so do we.
import type { ModelEntry } from '../../catalog/types';

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications/convnext';

/** The name of the k-th (0-based) residual addition, as TF-Keras numbers them. */
function addName(k: number): string {
  return k === 0 ? 'tf.__operators__.add' : `tf.__operators__.add_${k}`;
}

function convnext(
  name: string,
  kerasName: string,
  depths: [number, number, number, number],
  total: number,
  hash: string,
): ModelEntry {
  const stageEnds = depths.map((_, i) => depths.slice(0, i + 1).reduce((a, b) => a + b, 0) - 1);
  const fileName = `${kerasName}_notop.h5`;
  return {
    name,
    family: 'convnext',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'builtin',
    firstConv: `${kerasName}_stem_conv`,
    blocks: [
      { name: 'block1', layer: `${kerasName}_stem`, keras: 'stem' },
      { name: 'block2', layer: addName(stageEnds[0]), keras: 'stage_0' },
      { name: 'block3', layer: addName(stageEnds[1]), keras: 'stage_1' },
      { name: 'block4', layer: addName(stageEnds[2]), keras: 'stage_2' },
      { name: 'block5', layer: 'layer_normalization', keras: 'stage_3' },
    ],
    params: { total, trainable: total },
    weightsFor: () => ({ url: `${BASE}/${fileName}`, hash, hashAlgorithm: 'sha256', fileName }),
  };
}

export const MODELS: ModelEntry[] = [
  convnext('ConvNeXtTiny', 'convnext_tiny', [3, 3, 9, 3], 27_820_128,
    'd547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1'),
  convnext('ConvNeXtSmall', 'convnext_small', [3, 3, 27, 3], 49_454_688,
    '6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab'),
  convnext('ConvNeXtBase', 'convnext_base', [3, 3, 27, 3], 87_566_464,
    '40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45'),
  convnext('ConvNeXtLarge', 'convnext_large', [3, 3, 27, 3], 196_230_336,
    '96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd'),
  convnext('ConvNeXtXLarge', 'convnext_xlarge', [3, 3, 27, 3], 348_147_968,
    'de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05'),
];
