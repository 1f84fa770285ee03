// The training kernels tfjs-backend-wasm 4.22 lacks (the filter gradient of convolutions, both
// gradients of depthwise convolutions), built from the backend's own native kernels, and the one
// call that registers them. Without them any convolution trained on the 'wasm' backend fails with
// "Kernel ... not registered for backend 'wasm'".
import { getKernel, registerKernel } from '@tensorflow/tfjs';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-backprop-filter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-backprop-input';

const TRAINING_KERNELS = [conv2DBackpropFilterConfig, depthwiseConv2dNativeBackpropFilterConfig, depthwiseConv2dNativeBackpropInputConfig];

/**
 * Registers the missing training kernels for the 'wasm' backend. Idempotent: a kernel already
 * registered (by an earlier call, or by a future tfjs-backend-wasm that has its own) is left alone.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of TRAINING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') === undefined) registerKernel(config);
  }
}
