// TL2041 (warning): `batch norm train|frozen` with `weights none`. The choice is about keeping
// pretrained statistics; with random weights every BatchNormalization layer trains anyway, and
// `frozen` would keep the initial statistics (mean 0, variance 1).
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const batchNormWithoutPretrainedRule: Rule = ({ stages, pretrained, use }) => {
  if (pretrained || !use) return [];
  return stages.flatMap((stage) =>
    stage.settings.flatMap((s) => (s.kind === 'BatchNormMode' && s.mode ? [at(messages.batchNormWithoutPretrained(s.mode.name), s.span)] : [])),
  );
};
