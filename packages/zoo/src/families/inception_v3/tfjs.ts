// tfjs-layers builder for InceptionV3 (keras/src/applications/inception_v3.py), include_top=False,
// pooling=None. Keras leaves the convolutions, batch norms, activations and poolings unnamed;
// they are named here with Keras's automatic names in Keras's creation order (`conv2d`,
// `conv2d_1`, …), so `model.layers` matches Keras's names and order.
import * as tf from '@tensorflow/tfjs';
import type { BackboneBuilder, BuildOptions } from '../../builders/types';
import { initializers, type Initializers } from '../../builders/kerasInit';
import { KerasAutoNames } from '../../builders/kerasAutoNames';
import { BatchNormalization } from '../../layers/BatchNormalization';

type Tensor = tf.SymbolicTensor;

/** The layers of one model under construction: its initializers and its automatic names. */
interface Scope {
  init: Initializers;
  names: KerasAutoNames;
}

/** Keras's `conv2d_bn`: Conv2D without bias, BatchNormalization without scale, ReLU. */
function conv2dBn(
  scope: Scope,
  x: Tensor,
  filters: number,
  rows: number,
  cols: number,
  options: { strides?: number; padding?: 'same' | 'valid' } = {},
): Tensor {
  const { init, names } = scope;
  x = tf.layers
    .conv2d({
      filters,
      kernelSize: [rows, cols],
      strides: options.strides ?? 1,
      padding: options.padding ?? 'same',
      useBias: false,
      kernelInitializer: init.kernel,
      name: names.next('conv2d'),
    })
    .apply(x) as Tensor;
  x = new BatchNormalization({
    axis: 3,
    scale: false,
    movingVarianceInitializer: init.one,
    name: names.next('batch_normalization'),
  }).apply(x) as Tensor;
  return tf.layers.activation({ activation: 'relu', name: names.next('activation') }).apply(x) as Tensor;
}

function maxPool(scope: Scope, x: Tensor): Tensor {
  return tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, name: scope.names.next('max_pooling2d') })
    .apply(x) as Tensor;
}

/** The 3x3 stride-1 'same' average pooling of every pooling branch. */
function avgPool(scope: Scope, x: Tensor): Tensor {
  return tf.layers
    .averagePooling2d({
      poolSize: 3,
      strides: 1,
      padding: 'same',
      name: scope.names.next('average_pooling2d'),
    })
    .apply(x) as Tensor;
}

function concat(name: string, branches: Tensor[]): Tensor {
  return tf.layers.concatenate({ axis: 3, name }).apply(branches) as Tensor;
}

/** mixed0–2 (35x35): 1x1, 5x5, double 3x3 and pooling branches. */
function module35(scope: Scope, x: Tensor, poolFilters: number, name: string): Tensor {
  const branch1x1 = conv2dBn(scope, x, 64, 1, 1);
  let branch5x5 = conv2dBn(scope, x, 48, 1, 1);
  branch5x5 = conv2dBn(scope, branch5x5, 64, 5, 5);
  let branch3x3dbl = conv2dBn(scope, x, 64, 1, 1);
  branch3x3dbl = conv2dBn(scope, branch3x3dbl, 96, 3, 3);
  branch3x3dbl = conv2dBn(scope, branch3x3dbl, 96, 3, 3);
  const branchPool = conv2dBn(scope, avgPool(scope, x), poolFilters, 1, 1);
  return concat(name, [branch1x1, branch5x5, branch3x3dbl, branchPool]);
}

/** mixed4–7 (17x17): factorised 7x7 branches with `mid` filters inside. */
function module17(scope: Scope, x: Tensor, mid: number, name: string): Tensor {
  const branch1x1 = conv2dBn(scope, x, 192, 1, 1);
  let branch7x7 = conv2dBn(scope, x, mid, 1, 1);
  branch7x7 = conv2dBn(scope, branch7x7, mid, 1, 7);
  branch7x7 = conv2dBn(scope, branch7x7, 192, 7, 1);
  let branch7x7dbl = conv2dBn(scope, x, mid, 1, 1);
  branch7x7dbl = conv2dBn(scope, branch7x7dbl, mid, 7, 1);
  branch7x7dbl = conv2dBn(scope, branch7x7dbl, mid, 1, 7);
  branch7x7dbl = conv2dBn(scope, branch7x7dbl, mid, 7, 1);
  branch7x7dbl = conv2dBn(scope, branch7x7dbl, 192, 1, 7);
  const branchPool = conv2dBn(scope, avgPool(scope, x), 192, 1, 1);
  return concat(name, [branch1x1, branch7x7, branch7x7dbl, branchPool]);
}

/** mixed9–10 (8x8): expanded filter banks; `index` is 0 or 1. */
function module8(scope: Scope, x: Tensor, index: number): Tensor {
  const branch1x1 = conv2dBn(scope, x, 320, 1, 1);
  const branch3x3In = conv2dBn(scope, x, 384, 1, 1);
  const branch3x3 = concat(`mixed9_${index}`, [
    conv2dBn(scope, branch3x3In, 384, 1, 3),
    conv2dBn(scope, branch3x3In, 384, 3, 1),
  ]);
  let branch3x3dblIn = conv2dBn(scope, x, 448, 1, 1);
  branch3x3dblIn = conv2dBn(scope, branch3x3dblIn, 384, 3, 3);
  const branch3x3dbl = concat(scope.names.next('concatenate'), [
    conv2dBn(scope, branch3x3dblIn, 384, 1, 3),
    conv2dBn(scope, branch3x3dblIn, 384, 3, 1),
  ]);
  const branchPool = conv2dBn(scope, avgPool(scope, x), 192, 1, 1);
  return concat(`mixed${9 + index}`, [branch1x1, branch3x3, branch3x3dbl, branchPool]);
}

function buildInceptionV3(options: BuildOptions): tf.LayersModel {
  const scope: Scope = { init: initializers(options), names: new KerasAutoNames() };
  const input = tf.input({ shape: options.inputShape, name: 'input_1' });

  // Stem: 35x35x192 at 299x299.
  let x = conv2dBn(scope, input, 32, 3, 3, { strides: 2, padding: 'valid' });
  x = conv2dBn(scope, x, 32, 3, 3, { padding: 'valid' });
  x = conv2dBn(scope, x, 64, 3, 3);
  x = maxPool(scope, x);
  x = conv2dBn(scope, x, 80, 1, 1, { padding: 'valid' });
  x = conv2dBn(scope, x, 192, 3, 3, { padding: 'valid' });
  x = maxPool(scope, x);

  x = module35(scope, x, 32, 'mixed0');
  x = module35(scope, x, 64, 'mixed1');
  x = module35(scope, x, 64, 'mixed2');

  // mixed3: reduction to 17x17.
  const branch3x3 = conv2dBn(scope, x, 384, 3, 3, { strides: 2, padding: 'valid' });
  let branch3x3dbl = conv2dBn(scope, x, 64, 1, 1);
  branch3x3dbl = conv2dBn(scope, branch3x3dbl, 96, 3, 3);
  branch3x3dbl = conv2dBn(scope, branch3x3dbl, 96, 3, 3, { strides: 2, padding: 'valid' });
  x = concat('mixed3', [branch3x3, branch3x3dbl, maxPool(scope, x)]);

  x = module17(scope, x, 128, 'mixed4');
  x = module17(scope, x, 160, 'mixed5');
  x = module17(scope, x, 160, 'mixed6');
  x = module17(scope, x, 192, 'mixed7');

  // mixed8: reduction to 8x8.
  let branch3x3r = conv2dBn(scope, x, 192, 1, 1);
  branch3x3r = conv2dBn(scope, branch3x3r, 320, 3, 3, { strides: 2, padding: 'valid' });
  let branch7x7x3 = conv2dBn(scope, x, 192, 1, 1);
  branch7x7x3 = conv2dBn(scope, branch7x7x3, 192, 1, 7);
  branch7x7x3 = conv2dBn(scope, branch7x7x3, 192, 7, 1);
  branch7x7x3 = conv2dBn(scope, branch7x7x3, 192, 3, 3, { strides: 2, padding: 'valid' });
  x = concat('mixed8', [branch3x3r, branch7x7x3, maxPool(scope, x)]);

  x = module8(scope, x, 0);
  x = module8(scope, x, 1);
  return tf.model({ inputs: input, outputs: x, name: 'inception_v3' });
}

export const BUILDERS: Record<string, BackboneBuilder> = {
  InceptionV3: buildInceptionV3,
};
