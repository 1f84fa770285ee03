// TL2027: `preprocess normalize` with constants that differ from the ones the pretrained weights
// were trained on (torch's mean and std on VGG16's caffe weights). Compared as what the first
// convolution sees: per input channel, y = a * x - b on 0..255 pixels, with the channel order
// (caffe feeds BGR; `normalize` feeds RGB). A warning for ImageNet weights; for a weights file,
// whose training tlc cannot know, an info that says "if" (as TL2008 does).
import type { ModelEntry } from '@tlc/zoo/catalog';
import { NATIVE_PREPROCESSING, NORMALIZE_UNIT_SCALE } from '../../compile/defaults';
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

/** Relative difference below which two constants are the same (0.485 written for 0.4850…). */
const TOLERANCE = 1e-3;

interface Affine {
  /** For each input channel of the backbone: the colour it reads (0 R, 1 G, 2 B), a and b. */
  channels: { colour: number; a: number; b: number }[];
}

const near = (x: number, y: number): boolean => Math.abs(x - y) <= TOLERANCE * Math.max(Math.abs(x), Math.abs(y), 1e-9);
const average = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

function affine(order: 'rgb' | 'bgr', scale: number, mean: readonly number[], std: readonly number[], grayscale: boolean): Affine {
  if (grayscale) return { channels: [{ colour: 0, a: scale / average(std), b: average(mean) / average(std) }] };
  return {
    channels: [0, 1, 2].map((i) => ({
      colour: order === 'bgr' ? 2 - i : i,
      a: scale / std[i],
      b: mean[i] / std[i],
    })),
  };
}

function nativeAffine(model: ModelEntry, grayscale: boolean): Affine {
  const native = NATIVE_PREPROCESSING[model.preprocess];
  return affine(native.channelOrder, native.scale, native.mean, native.std, grayscale);
}

/** Values as the compiler reads them: one for every channel, or one per channel. */
const perChannel = (values: number[]): number[] => (values.length === 1 ? [values[0], values[0], values[0]] : values);

export const normalizeWithPretrainedRule: Rule = ({ model, pretrained, weightsFromFile, preprocess, image, use }) => {
  if (!model || !pretrained || preprocess?.mode?.name !== 'normalize' || !preprocess.mean || !preprocess.std) return [];
  const mean = perChannel(preprocess.mean.values.map((v) => v.value));
  const std = perChannel(preprocess.std.values.map((v) => v.value));
  // A wrong number of values is TL3xxx's to report; a zero std is TL2015's.
  if (mean.length !== 3 || std.length !== 3 || std.some((s) => s === 0)) return [];
  const grayscale = image?.color?.name === 'grayscale';
  const scale = mean.every((m) => m <= 1) ? NORMALIZE_UNIT_SCALE : 1;
  const given = affine('rgb', scale, mean, std, grayscale);
  const native = nativeAffine(model, grayscale);
  const same = given.channels.every((c, i) => c.colour === native.channels[i].colour && near(c.a, native.channels[i].a) && near(c.b, native.channels[i].b));
  if (same) return [];
  const file = weightsFromFile && use?.weights?.source?.kind === 'String' ? use.weights.source.value : undefined;
  return [at(messages.normalizeWithPretrained(model.name, model.preprocess, describeNative(model), file), preprocess.mode.span)];
};

/** `caffe: BGR, mean [103.939, 116.779, 123.68], std [1, 1, 1] on 0..255 pixels`. */
function describeNative(model: ModelEntry): string {
  const n = NATIVE_PREPROCESSING[model.preprocess];
  switch (model.preprocess) {
    case 'caffe':
      return `caffe: BGR channel order, mean [${n.mean.join(', ')}] subtracted from 0..255 pixels`;
    case 'tf':
      return 'tf: pixels scaled to [-1, 1], the same as `normalize mean [0.5, 0.5, 0.5] std [0.5, 0.5, 0.5]`';
    case 'torch':
      return `torch: \`normalize mean [${n.mean.join(', ')}] std [${n.std.join(', ')}]\``;
    case 'builtin':
      return 'builtin: raw 0..255 pixels, the model rescales inside itself';
  }
}
