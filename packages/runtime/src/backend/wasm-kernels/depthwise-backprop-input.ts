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
import { composeWasm, type WasmCalls } from './wasm-calls';

/** dy with stride-1 zero rows after each row and stride-1 zero columns after each column. */
function zeroDilate(calls: WasmCalls, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [batch, outHeight, outWidth, channels] = dy.shape as [number, number, number, number];
  const spread = calls.pad(calls.reshape(dy, [batch, outHeight, 1, outWidth, 1, channels]), [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return calls.reshape(spread, [batch, outHeight * strideHeight, outWidth * strideWidth, channels]);
}

/** Padding before and after one spatial axis; negative amounts become a crop of dilated dy. */
interface AxisPadding {
  before: number;
  after: number;
}

function axisPadding(inSize: number, dilatedSize: number, filterSize: number, dilation: number, padBefore: number): AxisPadding {
  const before = (filterSize - 1) * dilation - padBefore;
  return { before, after: inSize + padBefore - dilatedSize };
}

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
  const { outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth, outChannels, padInfo } = info;
  const multiplier = outChannels / channels;
  return composeWasm(backend, (calls) => {
    const dilated = zeroDilate(calls, dy, strideHeight, strideWidth);
    const rows = axisPadding(height, outHeight * strideHeight, filterHeight, dilationHeight, padInfo.top);
    const columns = axisPadding(width, outWidth * strideWidth, filterWidth, dilationWidth, padInfo.left);
    const cropTop = Math.max(0, -rows.before);
    const cropLeft = Math.max(0, -columns.before);
    const kept = calls.slice(
      dilated,
      [0, cropTop, cropLeft, 0],
      [batch, dilated.shape[1]! - cropTop - Math.max(0, -rows.after), dilated.shape[2]! - cropLeft - Math.max(0, -columns.after), outChannels],
    );
    const flipped = calls.reshape(calls.run('Reverse', { x: filter }, { dims: [0, 1] }), [filterHeight, filterWidth, outChannels, 1]);
    const gradient = calls.run(
      'DepthwiseConv2dNative',
      { x: kept, filter: flipped },
      {
        strides: [1, 1],
        dilations: [dilationHeight, dilationWidth],
        pad: [[0, 0], [Math.max(0, rows.before), Math.max(0, rows.after)], [Math.max(0, columns.before), Math.max(0, columns.after)], [0, 0]],
        dataFormat: 'NHWC',
      },
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
