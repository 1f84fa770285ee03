// TL2014 / TL2015: numbers outside what their setting means: counts that must be positive
// whole numbers (epochs, batch, units), rates and fractions with bounds (dropout [0, 1),
// validation between 0% and 100%, label smoothing [0, 1], learning rate > 0, a random crop's
// scale in (0, 1] and its ratio above 0, ranges from low to high, …).
import type { NumberLiteral, PercentLiteral, Span } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import type { Rule } from './types';

type Bound = (value: number) => boolean;

interface RangeSpec {
  test: Bound;
  /** "between 0 and 1", as the message shows it. */
  text: string;
}

const RANGES = {
  positive: { test: (v) => v > 0, text: 'greater than 0' },
  nonNegative: { test: (v) => v >= 0, text: '0 or more' },
  unitInterval: { test: (v) => v >= 0 && v < 1, text: 'at least 0 and below 1' },
  degrees: { test: (v) => v >= 0 && v <= 180, text: 'between 0 and 180 degrees' },
  percent: { test: (v) => v > 0 && v < 1, text: 'between 0% and 100% (both excluded)' },
  factor: { test: (v) => v > 0 && v < 1, text: 'between 0 and 1 (both excluded)' },
  area: { test: (v) => v > 0 && v <= 1, text: 'a share of the image\'s area, above 0 and at most 1' },
  pixel: { test: (v) => v >= 0 && v <= 255, text: 'a pixel value between 0 and 255' },
} satisfies Record<string, RangeSpec>;

export const valueRangesRule: Rule = ({ program }) => {
  const diagnostics: Diagnostic[] = [];
  const wholeCount = (setting: string, n: NumberLiteral | undefined, allowZero = false) => {
    if (n && !(Number.isInteger(n.value) && (allowZero ? n.value >= 0 : n.value > 0))) {
      diagnostics.push(
        allowZero
          ? at(messages.outOfRange(setting, n.raw, 'a whole number, 0 or more'), n.span)
          : at(messages.notPositiveInteger(setting, n.raw), n.span),
      );
    }
  };
  const within = (setting: string, n: NumberLiteral | PercentLiteral | undefined, range: RangeSpec) => {
    if (n && !range.test(n.value)) diagnostics.push(at(messages.outOfRange(setting, n.raw, range.text), n.span));
  };
  const raw = (value: number, span: Span): NumberLiteral => ({ kind: 'Number', value, raw: String(value), span });

  for (const statement of program.statements) {
    switch (statement.kind) {
      case 'Data':
        for (const s of statement.settings) {
          if (s.kind === 'Batch') wholeCount('batch', s.size);
          if (s.kind === 'Validation') {
            within('validation', s.fraction, RANGES.percent);
            wholeCount('seed', s.seed, true);
          }
          if (s.kind === 'Shuffle') wholeCount('seed', s.seed, true);
          if (s.kind === 'Image' && s.size) {
            if (s.size.width <= 0) wholeCount('image width', raw(s.size.width, s.size.span));
            else if (s.size.height <= 0) wholeCount('image height', raw(s.size.height, s.size.span));
          }
        }
        break;
      case 'Augment':
        for (const s of statement.settings) {
          if (s.kind === 'Rotate') within('rotate', s.degrees, RANGES.degrees);
          if (s.kind === 'Zoom') within('zoom', s.amount, RANGES.unitInterval);
          if (s.kind === 'Zoom' && s.range) {
            within('zoom', s.range.min, RANGES.positive);
            if (s.range.min.value > s.range.max.value) {
              diagnostics.push(at(messages.outOfRange('zoom', `${s.range.min.raw}..${s.range.max.raw}`, 'a range from low to high'), s.range.span));
            }
          }
          if (s.kind === 'Shear') within('shear', s.amount, RANGES.nonNegative);
          if (s.kind === 'Shift') within(s.axis ? `shift ${s.axis.name}` : 'shift', s.amount, RANGES.unitInterval);
          if (s.kind === 'ChannelShift') within('channel shift', s.amount, RANGES.pixel);
          if (s.kind === 'Fill') within('fill', s.value, RANGES.pixel);
          if (s.kind === 'Mixup') within('mixup', s.alpha, RANGES.positive);
          if (s.kind === 'Cutmix') within('cutmix', s.alpha, RANGES.positive);
          if (s.kind === 'AugmentSeed') wholeCount('seed', s.seed, true);
          if (s.kind === 'RandomCrop') {
            if (s.scale) {
              within('random crop scale', s.scale.min, RANGES.area);
              within('random crop scale', s.scale.max, RANGES.area);
            }
            if (s.ratio) within('random crop ratio', s.ratio.min, RANGES.positive);
            for (const [clause, range] of [['scale', s.scale], ['ratio', s.ratio]] as const) {
              if (range && range.min.value > range.max.value) {
                diagnostics.push(at(messages.outOfRange(`random crop ${clause}`, `${range.min.raw}..${range.max.raw}`, 'a range from low to high'), range.span));
              }
            }
          }
          if (s.kind === 'Brightness' && s.range) {
            within('brightness', s.range.min, RANGES.nonNegative);
            if (s.range.min.value > s.range.max.value) {
              diagnostics.push(at(messages.outOfRange('brightness', `${s.range.min.raw}..${s.range.max.raw}`, 'a range from low to high'), s.range.span));
            }
          }
        }
        break;
      case 'Use':
        within('alpha', statement.alpha?.value, RANGES.positive);
        break;
      case 'Preprocess':
        if (statement.scale?.kind === 'Number') within('rescale', statement.scale, RANGES.positive);
        if (statement.scale?.kind === 'Fraction' && !(statement.scale.numerator > 0 && statement.scale.denominator > 0)) {
          const { numerator, denominator, span } = statement.scale;
          diagnostics.push(at(messages.outOfRange('rescale', `${numerator}/${denominator}`, RANGES.positive.text), span));
        }
        for (const v of statement.std?.values ?? []) within('std', v, RANGES.positive);
        break;
      case 'Head':
        for (const size of statement.sizes) wholeCount('dense', size);
        for (const layer of statement.layers) {
          if (layer.kind === 'Dense') wholeCount('dense', layer.units);
          if (layer.kind === 'Dropout') within('dropout', layer.rate, RANGES.unitInterval);
        }
        break;
      case 'Stage':
        for (const s of statement.settings) {
          if (s.kind === 'Epochs') wholeCount('epochs', s.count);
          if (s.kind === 'StageBatch') wholeCount('batch', s.size);
          if (s.kind === 'LearningRate') within('lr', s.value, RANGES.positive);
          if (s.kind === 'Optimizer') {
            within('lr', s.lr, RANGES.positive);
            within('momentum', s.momentum, RANGES.unitInterval);
            within('decay', s.weightDecay, RANGES.nonNegative);
          }
          // At 1 every target is uniform (1 / classes): the labels would teach nothing.
          if (s.kind === 'LabelSmoothing') within('label smoothing', s.value, RANGES.unitInterval);
          if (s.kind === 'EarlyStop') wholeCount('patience', s.patience, true);
          if (s.kind === 'Schedule') {
            wholeCount('warmup', s.warmup, true);
            within('max lr', s.maxLr, RANGES.positive);
            wholeCount('every', s.every);
            within('times', s.times, RANGES.factor);
          }
          if (s.kind === 'Plateau') {
            within('factor', s.factor, RANGES.factor);
            wholeCount('patience', s.patience, true);
          }
          if (s.kind === 'ClassWeights') for (const e of s.entries) within('class weight', e.weight, RANGES.positive);
        }
        break;
    }
  }
  return diagnostics;
};
