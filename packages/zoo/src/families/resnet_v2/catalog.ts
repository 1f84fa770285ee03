// Catalog entries for the `resnet_v2` family (Keras: keras/src/applications/resnet_v2.py, built
// by resnet.py with pre-activation). Plain data, no tfjs; the stages are resnetEntry's
// (../resnet/catalog). block5 also takes the final post_bn / post_relu, so it ends at the last
// layer.
import type { ModelEntry } from '../../catalog/types';
import { resnetEntry, type ResNetVariant } from '../resnet/catalog';

const V2: ResNetVariant = { family: 'resnet_v2', preprocess: 'tf', lastLayer: 'post_relu' };

export const MODELS: ModelEntry[] = [
  resnetEntry(V2, 'ResNet50V2', 'resnet50v2', 4, 6, { total: 23_564_800, trainable: 23_519_360 }, 'fac2f116257151a9d068a22e544a4917'),
  resnetEntry(V2, 'ResNet101V2', 'resnet101v2', 4, 23, { total: 42_626_560, trainable: 42_528_896 }, 'c0ed64b8031c3730f411d2eb4eea35b5'),
  resnetEntry(V2, 'ResNet152V2', 'resnet152v2', 8, 36, { total: 58_331_648, trainable: 58_187_904 }, 'ed17cf2e0169df9d443503ef94b23b33'),
];
