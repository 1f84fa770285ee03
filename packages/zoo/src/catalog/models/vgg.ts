// Catalog entries for the `vgg` family (Keras: keras/src/applications). Plain data, no tfjs.
import type { ModelEntry } from '../types';

export const MODELS: ModelEntry[] = [];
