// tfjs-layers builders for the `resnet` family, with Keras's layer names, include_top=False.
import type { BackboneBuilder } from './types';

export const BUILDERS: Record<string, BackboneBuilder> = {};
