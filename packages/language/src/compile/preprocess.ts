// `preprocess …` resolved to the constants that run: y = (x * scale - mean[c]) / std[c] on 0..255
// pixels. `native` becomes the backbone's own Keras `preprocess_input`. Grayscale images get one
// value per array: the mean of the RGB constants (the first convolution sums its RGB kernels).
import type { NumberList, PreprocessStatement } from '../ast/nodes';
import type { ModelEntry } from '@tlc/zoo/catalog';
import type { PreprocessPlan } from '@tlc/plan';
import { NATIVE_PREPROCESSING, NORMALIZE_UNIT_SCALE } from './defaults';
import { compileMessages } from './messages';
import { CompileProblem } from './problem';

export function lowerPreprocess(statement: PreprocessStatement | undefined, entry: ModelEntry, channels: 1 | 3): PreprocessPlan {
  const requested = (statement?.mode?.name ?? 'native') as PreprocessPlan['requested'];
  const identity = { scale: 1, mean: fill(0, channels), std: fill(1, channels) };
  switch (requested) {
    case 'native': {
      const native = NATIVE_PREPROCESSING[entry.preprocess];
      if (channels === 3) return { requested, mode: entry.preprocess, ...native, mean: [...native.mean], std: [...native.std] };
      return { requested, mode: entry.preprocess, channelOrder: 'rgb', scale: native.scale, mean: [average(native.mean)], std: [average(native.std)] };
    }
    case 'rescale':
      // The parser requires the factor: `rescale 1/255`.
      return { requested, mode: 'rescale', channelOrder: 'rgb', ...identity, scale: scaleOf(statement!) };
    case 'none':
      return { requested, mode: 'none', channelOrder: 'rgb', ...identity };
    case 'normalize': {
      // The parser requires both lists.
      const mean = perChannel(statement!.mean!, 'mean', channels);
      return {
        requested,
        mode: 'normalize',
        channelOrder: 'rgb',
        scale: normalizeScale(mean),
        mean,
        std: perChannel(statement!.std!, 'std', channels),
      };
    }
  }
}

/**
 * `normalize` values are for 0..1 pixels (torchvision's convention: mean [0.485, …]) when every
 * mean is at most 1, and for 0..255 pixels otherwise (mean [123.7, …]): a mean of at most 1 on
 * the 0..255 scale would describe nearly black images.
 */
function normalizeScale(mean: readonly number[]): number {
  return mean.every((m) => m <= 1) ? NORMALIZE_UNIT_SCALE : 1;
}

function scaleOf(statement: PreprocessStatement): number {
  const scale = statement.scale!;
  return scale.kind === 'Fraction' ? scale.numerator / scale.denominator : scale.value;
}

/** One value per channel: as given, one value for all, or three averaged for grayscale. */
function perChannel(list: NumberList, what: 'mean' | 'std', channels: 1 | 3): number[] {
  const values = list.values.map((v) => v.value);
  if (values.length === channels) return values;
  if (values.length === 1) return fill(values[0], channels);
  if (values.length === 3 && channels === 1) return [average(values)];
  throw new CompileProblem(compileMessages.channelValuesMismatch(what, values.length, channels, list.span));
}

function fill(value: number, channels: number): number[] {
  return Array.from({ length: channels }, () => value);
}

/** The mean, rounded to 12 significant digits so that float noise does not reach the plan. */
function average(values: readonly number[]): number {
  return Number((values.reduce((a, b) => a + b, 0) / values.length).toPrecision(12));
}
