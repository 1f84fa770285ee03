// Catalog entries for the `resnet_v2` family (Keras: keras/src/applications/resnet_v2.py, built
// by resnet.py with pre-activation). Plain data, no tfjs. blockK is Keras's stage convK; block5
// also takes the final post_bn / post_relu, so it ends at the network's last layer.
import type { ModelEntry } from '../types';

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications/resnet';

function resnetV2(
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
    family: 'resnet_v2',
    inputSize: 224,
    minInputSize: 32,
    inputSizeMultiple: 1,
    preprocess: 'tf',
    firstConv: 'conv1_conv',
    blocks: [
      { name: 'block1', layer: 'pool1_pool', keras: 'conv1' },
      { name: 'block2', layer: 'conv2_block3_out', keras: 'conv2' },
      { name: 'block3', layer: `conv3_block${conv3Blocks}_out`, keras: 'conv3' },
      { name: 'block4', layer: `conv4_block${conv4Blocks}_out`, keras: 'conv4' },
      { name: 'block5', layer: 'post_relu', keras: 'conv5' },
    ],
    params,
    weightsFor: () => ({ url: `${BASE}/${fileName}`, hash, hashAlgorithm: 'md5', fileName }),
  };
}

export const MODELS: ModelEntry[] = [
  resnetV2('ResNet50V2', 'resnet50v2', 4, 6, { total: 23_564_800, trainable: 23_519_360 }, 'fac2f116257151a9d068a22e544a4917'),
  resnetV2('ResNet101V2', 'resnet101v2', 4, 23, { total: 42_626_560, trainable: 42_528_896 }, 'c0ed64b8031c3730f411d2eb4eea35b5'),
  resnetV2('ResNet152V2', 'resnet152v2', 8, 36, { total: 58_331_648, trainable: 58_187_904 }, 'ed17cf2e0169df9d443503ef94b23b33'),
];
