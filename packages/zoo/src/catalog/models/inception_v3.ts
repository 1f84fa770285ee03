// Catalog entries for the `inception_v3` family (Keras: keras/src/applications). Plain data, no tfjs.
import type { ModelEntry } from '../types';

export const MODELS: ModelEntry[] = [];
