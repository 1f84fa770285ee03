// What the input gradient of a (depthwise or regular) convolution shares: dy zero-dilated by the
// stride (stride - 1 zeros after each row and column) and the padding that makes a stride-1
// convolution of it with the spatially flipped filter produce exactly the input's height and width.
// Padding the convolution cannot take (negative amounts) is cropped from the dilated dy instead.
import type { backend_util, TensorInfo } from '@tensorflow/tfjs';
import type { WasmCalls } from './wasm-calls';

export interface SpreadGradient {
  /** dy, dilated and cropped where the padding is negative. */
  dy: TensorInfo;
  /** Explicit NHWC padding for the stride-1 convolution over `dy`. */
  pad: [[0, 0], [number, number], [number, number], [0, 0]];
}

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

/** Padding before and after one spatial axis of the dilated dy (either may be negative). */
function axisPadding(inSize: number, dilatedSize: number, filterSize: number, dilation: number, padBefore: number): [number, number] {
  return [(filterSize - 1) * dilation - padBefore, inSize + padBefore - dilatedSize];
}

export function spreadGradient(calls: WasmCalls, dy: TensorInfo, info: backend_util.Conv2DInfo): SpreadGradient {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth, padInfo } = info;
  const dilated = zeroDilate(calls, dy, strideHeight, strideWidth);
  const [top, bottom] = axisPadding(inHeight, outHeight * strideHeight, filterHeight, dilationHeight, padInfo.top);
  const [left, right] = axisPadding(inWidth, outWidth * strideWidth, filterWidth, dilationWidth, padInfo.left);
  const [batch, height, width, channels] = dilated.shape as [number, number, number, number];
  const kept = calls.slice(
    dilated,
    [0, Math.max(0, -top), Math.max(0, -left), 0],
    [batch, height - Math.max(0, -top) - Math.max(0, -bottom), width - Math.max(0, -left) - Math.max(0, -right), channels],
  );
  return { dy: kept, pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]] };
}
