// Catalog entries for the `convnext` family (Keras: keras/src/applications). Plain data, no tfjs.
import type { ModelEntry } from '../types';

export const MODELS: ModelEntry[] = [];
