// Faster filter-gradient kernels for the pure JavaScript 'cpu' backend. tfjs's own
// Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter loop over each filter weight and
// gather its inputs with strided reads, which makes training convolutions on 'cpu' many times
// slower than the forward pass. These accumulate outer products of contiguous channel rows
// instead (same sums, cache-friendly, zero inputs after ReLU skipped). NHWC, dilation 1 only;
// anything else goes to tfjs's original kernel.
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Args = Parameters<KernelFunc>[0];
interface CpuBackend {
  readSync(dataId: object): tf.TypedArray;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

function isPlain(attrs: Record<string, unknown>): boolean {
  const dilations = attrs.dilations as number | [number, number] | undefined;
  const plainDilation = dilations === undefined || dilations === 1 || (Array.isArray(dilations) && dilations[0] === 1 && dilations[1] === 1);
  return (attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC') && plainDilation;
}

/** dW[wR, wC, :, :] += outer(x[b, xR, xC, :], dy[b, yR, yC, :]) for every output position. */
function convFilterGradient(args: Args, depthwise: boolean): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as { strides: number | [number, number]; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
  const backend = args.backend as unknown as CpuBackend;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, depthwise,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xs = backend.readSync(x.dataId) as Float32Array;
  const dys = backend.readSync(dy.dataId) as Float32Array;
  const multiplier = depthwise ? outChannels / inChannels : 0;
  const dw = new Float32Array(filterHeight * filterWidth * inChannels * (depthwise ? multiplier : outChannels));
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight - top + wR;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth - left + wC;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            if (depthwise) {
              const wOff = (wR * filterWidth + wC) * inChannels * multiplier;
              for (let d1 = 0; d1 < inChannels; d1++) {
                const xv = xs[xOff + d1];
                if (xv === 0) continue;
                for (let q = 0; q < multiplier; q++) dw[wOff + d1 * multiplier + q] += xv * dys[dyOff + d1 * multiplier + q];
              }
            } else {
              const wOff = (wR * filterWidth + wC) * inChannels * outChannels;
              for (let d1 = 0; d1 < inChannels; d1++) {
                const xv = xs[xOff + d1];
                if (xv === 0) continue;
                const o = wOff + d1 * outChannels;
                for (let d2 = 0; d2 < outChannels; d2++) dw[o + d2] += xv * dys[dyOff + d2];
              }
            }
          }
        }
      }
    }
  }
  return backend.makeTensorInfo(attrs.filterShape, 'float32', dw);
}

let installed = false;

function replace(kernelName: string, depthwise: boolean): void {
  const original = tf.getKernel(kernelName, 'cpu');
  if (!original) return;
  tf.unregisterKernel(kernelName, 'cpu');
  tf.registerKernel({
    kernelName,
    backendName: 'cpu',
    kernelFunc: (args) => (isPlain(args.attrs as Record<string, unknown>) ? convFilterGradient(args, depthwise) : original.kernelFunc(args)),
  });
}

/** Installs the faster kernels on the 'cpu' backend (once). */
export function installCpuTrainingKernels(): void {
  if (installed) return;
  installed = true;
  replace('Conv2DBackpropFilter', false);
  replace('DepthwiseConv2dNativeBackpropFilter', true);
}
