// Catalog entries for the `resnet` family (ResNet v1; Keras: keras/src/applications/resnet.py).
// Plain data, no tfjs. What ResNet v1 and v2 (../resnet_v2) share in the catalog: the same stages
// (blockK is Keras's stage convK: block1 is the stem, conv1 + pool1; the others end at their
// stage's last residual block output), the same first convolution and the same weight file
// naming. v1 and v2 differ in preprocessing and in v2's final post_bn / post_relu, which its
// block5 takes in.
import type { ModelEntry } from '../../catalog/types';

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications/resnet';

export interface ResNetVariant {
  family: 'resnet' | 'resnet_v2';
  preprocess: 'caffe' | 'tf';
  /** The layer block5 ends at. */
  lastLayer: string;
}

export function resnetEntry(
  variant: ResNetVariant,
  name: string,
  fileStem: string,
  conv3Blocks: number,
  conv4Blocks: number,
  params: { total: number; trainable: number },
  hash: string,
): ModelEntry {
  const fileName = `${fileStem}_weights_tf_dim_ordering_tf_kernels_notop.h5`;
  return {
    name,
    family: variant.family,
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: variant.preprocess,
    firstConv: 'conv1_conv',
    blocks: [
      { name: 'block1', layer: 'pool1_pool', keras: 'conv1' },
      { name: 'block2', layer: 'conv2_block3_out', keras: 'conv2' },
      { name: 'block3', layer: `conv3_block${conv3Blocks}_out`, keras: 'conv3' },
      { name: 'block4', layer: `conv4_block${conv4Blocks}_out`, keras: 'conv4' },
      { name: 'block5', layer: variant.lastLayer, keras: 'conv5' },
    ],
    params,
    weightsFor: () => ({ url: `${BASE}/${fileName}`, hash, hashAlgorithm: 'md5', fileName }),
  };
}

const V1: ResNetVariant = { family: 'resnet', preprocess: 'caffe', lastLayer: 'conv5_block3_out' };

export const MODELS: ModelEntry[] = [
  resnetEntry(V1, 'ResNet50', 'resnet50', 4, 6, { total: 23_587_712, trainable: 23_534_592 }, '4d473c1dd8becc155b73f8504c6f6626'),
  resnetEntry(V1, 'ResNet101', 'resnet101', 4, 23, { total: 42_658_176, trainable: 42_552_832 }, '88cf7a10940856eca736dc7b7e228a21'),
  resnetEntry(V1, 'ResNet152', 'resnet152', 8, 36, { total: 58_370_944, trainable: 58_219_520 }, 'ee4c566cf9a93f14d82f913c2dc6dd0c'),
];
