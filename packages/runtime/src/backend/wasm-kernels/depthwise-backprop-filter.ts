// DepthwiseConv2dNativeBackpropFilter for the WebAssembly backend: the gradient of a depthwise
// convolution with respect to its filter, which tfjs-backend-wasm 4.22 lacks. For each channel c
// it is the correlation of the padded input with dy, summed over the batch; that is one depthwise
// convolution run by XNNPACK: the input as [1, H, W, N*C] (batch and channel side by side as
// channels), dy as the filter [OH, OW, N*C, multiplier], the original stride as the dilation and
// the original dilation as the stride, explicit padding; the output pixel (kh, kw) of channel
// (n, c) then holds batch n's share of dW[kh, kw, c], summed over n. NHWC only.
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { composeWasm } from './wasm-calls';

function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const { outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth, outChannels, padInfo } = info;
  const multiplier = outChannels / channels;
  // Rows and columns the convolution reads past the input's end (negative: some are never read).
  const padBottom = Math.max(0, (outHeight - 1) * strideHeight + (filterHeight - 1) * dilationHeight + 1 - height - padInfo.top);
  const padRight = Math.max(0, (outWidth - 1) * strideWidth + (filterWidth - 1) * dilationWidth + 1 - width - padInfo.left);
  return composeWasm(backend, (calls) => {
    const batchBesideChannels = calls.reshape(calls.transpose(x, [1, 2, 0, 3]), [1, height, width, batch * channels]);
    const dyAsFilter = calls.reshape(calls.transpose(dy, [1, 2, 0, 3]), [outHeight, outWidth, batch * channels, multiplier]);
    const perBatch = calls.run(
      'DepthwiseConv2dNative',
      { x: batchBesideChannels, filter: dyAsFilter },
      {
        strides: [dilationHeight, dilationWidth],
        dilations: [strideHeight, strideWidth],
        pad: [[0, 0], [padInfo.top, padBottom], [padInfo.left, padRight], [0, 0]],
        dataFormat: 'NHWC',
      },
    );
    const cropped = calls.slice(perBatch, [0, 0, 0, 0], [1, filterHeight, filterWidth, batch * outChannels]);
    const summed = calls.run('Sum', { x: calls.reshape(cropped, [filterHeight * filterWidth, batch, outChannels]) }, { axis: [1], keepDims: false });
    return calls.reshape(summed, [filterHeight, filterWidth, channels, multiplier]);
  });
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
