// Catalog entries for the `inception_resnet_v2` family (Keras: keras/src/applications). Plain data, no tfjs.
import type { ModelEntry } from '../types';

export const MODELS: ModelEntry[] = [];
