// Every layer class the exporter converts, by tfjs class name, gathered from one file per group.
import type { LayerConverter } from './converter';
import { ACTIVATION_CONVERTERS } from './activation';
import { CONVOLUTION_CONVERTERS } from './convolution';
import { CUSTOM_CONVERTERS } from './custom';
import { MERGE_CONVERTERS } from './merge';
import { NORMALIZATION_CONVERTERS } from './normalization';
import { POOLING_CONVERTERS } from './pooling';
import { RESHAPE_CONVERTERS } from './reshape';

export const CONVERTERS: Record<string, LayerConverter> = {
  ...ACTIVATION_CONVERTERS,
  ...CONVOLUTION_CONVERTERS,
  ...CUSTOM_CONVERTERS,
  ...MERGE_CONVERTERS,
  ...NORMALIZATION_CONVERTERS,
  ...POOLING_CONVERTERS,
  ...RESHAPE_CONVERTERS,
};
