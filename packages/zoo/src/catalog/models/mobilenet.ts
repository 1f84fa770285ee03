// Catalog entries for the `mobilenet` family (Keras: keras/src/applications). Plain data, no tfjs.
import type { ModelEntry } from '../types';

export const MODELS: ModelEntry[] = [];
