// Catalog entries for the `resnet` family (ResNet v1; Keras: keras/src/applications/resnet.py).
// Plain data, no tfjs; the stages are described in ./resnet-entry.
import type { ModelEntry } from '../types';
import { resnetEntry, type ResNetVariant } from './resnet-entry';

const V1: ResNetVariant = { family: 'resnet', preprocess: 'caffe', lastLayer: 'conv5_block3_out' };

export const MODELS: ModelEntry[] = [
  resnetEntry(V1, 'ResNet50', 'resnet50', 4, 6, { total: 23_587_712, trainable: 23_534_592 }, '4d473c1dd8becc155b73f8504c6f6626'),
  resnetEntry(V1, 'ResNet101', 'resnet101', 4, 23, { total: 42_658_176, trainable: 42_552_832 }, '88cf7a10940856eca736dc7b7e228a21'),
  resnetEntry(V1, 'ResNet152', 'resnet152', 8, 36, { total: 58_370_944, trainable: 58_219_520 }, 'ee4c566cf9a93f14d82f913c2dc6dd0c'),
];
