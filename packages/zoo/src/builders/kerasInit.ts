// The weight initializers a builder uses: Keras's defaults, or zeros everywhere when the caller
// asks for `init: 'zeros'` (fast: for counting parameters, or loading weights right after).
import type { BuildOptions } from './types';

export interface Initializers {
  /** Convolution and dense kernels (Keras: glorot_uniform). */
  kernel: 'glorotUniform' | 'zeros';
  /** Weights Keras starts at one: BatchNorm gamma and moving variance, LayerNorm gamma. */
  one: 'ones' | 'zeros';
  /** True under `init: 'zeros'`: weights with other starting values (LayerScale) start at zero too. */
  allZeros: boolean;
}

export function initializers(options: BuildOptions): Initializers {
  const zeros = options.init === 'zeros';
  return { kernel: zeros ? 'zeros' : 'glorotUniform', one: zeros ? 'zeros' : 'ones', allZeros: zeros };
}
