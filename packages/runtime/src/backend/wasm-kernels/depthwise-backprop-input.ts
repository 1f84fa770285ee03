// DepthwiseConv2dNativeBackpropInput for the WebAssembly backend: the gradient of a depthwise
// convolution with respect to its input, which tfjs-backend-wasm 4.22 lacks. It is a depthwise
// convolution run by XNNPACK of dy, zero-dilated by the stride (a zero after each row and column
// when the stride is 2) and padded so every input pixel is covered, with the spatially flipped
// filter at the original dilation; with a channel multiplier above 1 the multiplier's outputs are
// then summed per input channel. NHWC only.
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { spreadGradient } from './input-gradient';
import { composeWasm } from './wasm-calls';

function depthwiseConv2dNativeBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
  const [batch, height, width, channels] = inputShape;
  const { dilationHeight, dilationWidth, filterHeight, filterWidth, outChannels } = info;
  const multiplier = outChannels / channels;
  return composeWasm(backend, (calls) => {
    const spread = spreadGradient(calls, dy, info);
    const flipped = calls.reshape(calls.run('Reverse', { x: filter }, { dims: [0, 1] }), [filterHeight, filterWidth, outChannels, 1]);
    const gradient = calls.run(
      'DepthwiseConv2dNative',
      { x: spread.dy, filter: flipped },
      { strides: [1, 1], dilations: [dilationHeight, dilationWidth], pad: spread.pad, dataFormat: 'NHWC' },
    );
    if (multiplier === 1) return gradient;
    const perMultiplier = calls.reshape(gradient, [batch, height, width, channels, multiplier]);
    return calls.run('Sum', { x: perMultiplier }, { axis: [4], keepDims: false });
  });
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
