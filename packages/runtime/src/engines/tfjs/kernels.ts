// Training convolutions needs gradient kernels (Conv2DBackpropFilter/Input,
// DepthwiseConv2dNativeBackpropFilter/Input) that not every backend has: tfjs 4.22's WebAssembly
// backend lacks three, which the runtime registers with it (backend/wasm-kernels/). When a stage's
// tail trains through convolutions on a backend that still lacks one, the run moves to the pure
// JavaScript 'cpu' backend (tensors move with it) and says so, instead of failing mid-epoch.
import * as tf from '@tensorflow/tfjs';

const CONV_GRADIENT_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'];
const CONV_LAYERS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose']);

/** Kernels the current backend lacks for backpropagating through the tail's convolutions. */
export function missingTrainingKernels(tail: tf.LayersModel, backend = tf.getBackend()): string[] {
  if (!tail.layers.some((l) => CONV_LAYERS.has(l.getClassName()))) return [];
  return CONV_GRADIENT_KERNELS.filter((k) => tf.getKernel(k, backend) === undefined);
}

/** Switches to 'cpu' when the tail's training needs kernels the backend lacks; says what it did. */
export async function ensureTrainingKernels(tail: tf.LayersModel): Promise<{ backend: string; note: string } | null> {
  const backend = tf.getBackend();
  const missing = missingTrainingKernels(tail, backend);
  if (missing.length === 0) return null;
  await tf.setBackend('cpu');
  return {
    backend: 'cpu',
    note: `note: the ${backend} backend cannot train convolutions (it lacks ${missing.join(', ')}); training on the pure JavaScript cpu backend instead`,
  };
}
