// The faster cpu filter-gradient kernels compute what tfjs's own kernels compute: gradients of
// conv2d and depthwiseConv2d filters for several strides, paddings and channel multipliers,
// before and after installing them.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { installCpuTrainingKernels } from '../../src/backend/cpu-kernels';

type Case = { kind: 'conv' | 'depthwise'; stride: number; pad: 'same' | 'valid'; filter: [number, number, number, number] };
const CASES: Case[] = [
  { kind: 'conv', stride: 1, pad: 'same', filter: [3, 3, 3, 4] },
  { kind: 'conv', stride: 2, pad: 'same', filter: [3, 3, 3, 5] },
  { kind: 'conv', stride: 1, pad: 'valid', filter: [1, 1, 6, 2] },
  { kind: 'depthwise', stride: 1, pad: 'same', filter: [3, 3, 3, 1] },
  { kind: 'depthwise', stride: 2, pad: 'valid', filter: [3, 3, 3, 2] },
];

function filterGradients(): number[][] {
  return CASES.map((c, i) => tf.tidy(() => {
    const x = tf.randomNormal([2, 9, 9, c.filter[2]], 0, 1, 'float32', 10 + i);
    const f = tf.randomNormal(c.filter, 0, 1, 'float32', 20 + i) as tf.Tensor4D;
    const forward = (w: tf.Tensor) => c.kind === 'conv'
      ? tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad)
      : tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
    const weights = tf.randomNormal(forward(f).shape, 0, 1, 'float32', 30 + i);
    return Array.from(tf.grad((w: tf.Tensor) => tf.sum(tf.mul(forward(w), weights)))(f).dataSync());
  }));
}

describe('installCpuTrainingKernels', () => {
  it('gives the same filter gradients as tfjs on the cpu backend', async () => {
    await tf.setBackend('cpu');
    const before = filterGradients();
    installCpuTrainingKernels();
    const after = filterGradients();
    before.forEach((grad, i) => {
      expect(after[i]).toHaveLength(grad.length);
      grad.forEach((v, j) => expect(after[i][j]).toBeCloseTo(v, 3));
    });
  });
});
