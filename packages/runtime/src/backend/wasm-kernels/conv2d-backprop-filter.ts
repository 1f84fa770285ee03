// Conv2DBackpropFilter for the WebAssembly backend: the gradient of a convolution with respect to
// its filter, which tfjs-backend-wasm 4.22 lacks. It is computed by the backend's own fast kernels:
// - 1x1 filters: one matrix product, (input pixels the filter sees)^T x dy;
// - larger filters: itself a convolution run by XNNPACK. With the input transposed so its channels
//   become the batch ([C, H, W, N]) and dy transposed into a filter ([OH, OW, N, CO]), a
//   convolution whose dilation is the original stride gives dW[kh, kw, c, co] at output pixel
//   (kh, kw) of batch c; padding is passed explicitly and the result is cropped to the filter.
// NHWC only, like the backend's Conv2D.
import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { composeWasm, type WasmCalls } from './wasm-calls';

/** Rows (or columns) the convolution reads beyond the input's end: negative when it leaves some unread. */
function overhang(inSize: number, outSize: number, stride: number, filterSize: number, padBefore: number): number {
  return (outSize - 1) * stride + filterSize - inSize - padBefore;
}

function filterGradientBy1x1(calls: WasmCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const [batch, height, width, channels] = x.shape;
  const { outHeight, outWidth, strideHeight, strideWidth, outChannels, padInfo } = info;
  const padded = calls.pad(x, [
    [0, 0],
    [padInfo.top, Math.max(0, overhang(height!, outHeight, strideHeight, 1, padInfo.top))],
    [padInfo.left, Math.max(0, overhang(width!, outWidth, strideWidth, 1, padInfo.left))],
    [0, 0],
  ]);
  const seen =
    strideHeight === 1 && strideWidth === 1
      ? calls.slice(padded, [0, 0, 0, 0], [batch!, outHeight, outWidth, channels!])
      : calls.stridedSlice(padded, [0, 0, 0, 0], [batch!, (outHeight - 1) * strideHeight + 1, (outWidth - 1) * strideWidth + 1, channels!], [1, strideHeight, strideWidth, 1]);
  const pixels = batch! * outHeight * outWidth;
  // An explicit transpose then a plain product: the backend's BatchMatMul is several times slower
  // with transposeA.
  const seenByChannel = calls.transpose(calls.reshape(seen, [pixels, channels!]), [1, 0]);
  const product = calls.run(
    'BatchMatMul',
    { a: calls.reshape(seenByChannel, [1, channels!, pixels]), b: calls.reshape(dy, [1, pixels, outChannels]) },
    { transposeA: false, transposeB: false },
  );
  return calls.reshape(product, [1, 1, channels!, outChannels]);
}

function filterGradientByConvolution(calls: WasmCalls, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const [, height, width, channels] = x.shape;
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, outChannels, padInfo } = info;
  const padBottom = Math.max(0, overhang(height!, outHeight, strideHeight, filterHeight, padInfo.top));
  const padRight = Math.max(0, overhang(width!, outWidth, strideWidth, filterWidth, padInfo.left));
  const channelsAsBatch = calls.transpose(x, [3, 1, 2, 0]);
  const dyAsFilter = calls.transpose(dy, [1, 2, 0, 3]);
  const gradient = calls.run(
    'Conv2D',
    { x: channelsAsBatch, filter: dyAsFilter },
    {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [[0, 0], [padInfo.top, padBottom], [padInfo.left, padRight], [0, 0]],
      dataFormat: 'NHWC',
    },
  );
  const cropped = calls.slice(gradient, [0, 0, 0, 0], [channels!, filterHeight, filterWidth, outChannels]);
  return calls.transpose(cropped, [1, 2, 0, 3]);
}

function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter on the WebAssembly backend supports NHWC only, got dataFormat '${dataFormat}'`);
  }
  return composeWasm(backend, (calls) =>
    info.filterHeight === 1 && info.filterWidth === 1 ? filterGradientBy1x1(calls, x, dy, info) : filterGradientByConvolution(calls, x, dy, info),
  );
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
