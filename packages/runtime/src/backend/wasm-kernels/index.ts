// The training kernels of the WebAssembly backend, built from the backend's own native kernels,
// and the one call that installs them. tfjs-backend-wasm 4.22 lacks the filter gradient of
// convolutions and both gradients of depthwise convolutions, so training any convolution on
// 'wasm' fails with "Kernel ... not registered for backend 'wasm'"; three kernels it has are far
// slower than the rest of a training step (Conv2DBackpropInput, plain loops; Tile, as used by the
// BatchNormalization gradient; BatchMatMul with a transposed operand, as every gradient of a
// matrix product has) and are replaced. One gradient, ClipByValue's, is registered in a form the
// backend runs fast (clip-gradient.ts; gradients are shared by every backend, and it is exact).
import { getKernel, registerGradient, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { untransposingBatchMatMulConfig } from './batch-mat-mul';
import { clipByValueGradConfig } from './clip-gradient';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-backprop-filter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-backprop-input';
import { broadcastingTileConfig } from './tile';

const MISSING_KERNELS = [conv2DBackpropFilterConfig, depthwiseConv2dNativeBackpropFilterConfig, depthwiseConv2dNativeBackpropInputConfig];

/** Kernels of ours installed in place of the backend's, so a second call recognises them. */
const installed = new Set<KernelConfig['kernelFunc']>();

function replace(config: KernelConfig): void {
  const current = getKernel(config.kernelName, 'wasm');
  if (current !== undefined && installed.has(current.kernelFunc)) return;
  if (current !== undefined) unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
  installed.add(config.kernelFunc);
}

/**
 * Installs the training kernels for the 'wasm' backend. Idempotent: a missing kernel already
 * registered (by an earlier call, or by a future tfjs-backend-wasm that has its own) is left
 * alone, and a replaced kernel is replaced once.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of MISSING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') === undefined) registerKernel(config);
  }
  replace(conv2DBackpropInputConfig);
  const backendTile = getKernel('Tile', 'wasm');
  if (backendTile !== undefined && !installed.has(backendTile.kernelFunc)) replace(broadcastingTileConfig(backendTile));
  registerGradient(clipByValueGradConfig);
  const backendMatMul = getKernel('BatchMatMul', 'wasm');
  if (backendMatMul !== undefined && !installed.has(backendMatMul.kernelFunc)) replace(untransposingBatchMatMulConfig(backendMatMul));
}
