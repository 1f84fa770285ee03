// Conv2DBackpropInput for the WebAssembly backend, replacing the one tfjs-backend-wasm 4.22 ships
// (plain nested C++ loops, the slowest kernel of a training step). The input gradient of a
// convolution is itself a convolution, run by XNNPACK: dy zero-dilated by the stride and padded
// (see input-gradient.ts), convolved at stride 1 with the filter flipped spatially and with its
// input and output channels swapped. NHWC only, like the backend's Conv2D.
import { backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { spreadGradient } from './input-gradient';
import { composeWasm } from './wasm-calls';

function conv2DBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropInput on the WebAssembly backend supports NHWC only, got dataFormat '${dataFormat}'`);
  }
  return composeWasm(backend, (calls) => {
    const spread = spreadGradient(calls, dy, info);
    const flipped = info.filterHeight === 1 && info.filterWidth === 1 ? filter : calls.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = calls.transpose(flipped, [0, 1, 3, 2]);
    return calls.run('Conv2D', { x: spread.dy, filter: swapped }, { strides: [1, 1], dilations: [1, 1], pad: spread.pad, dataFormat: 'NHWC' });
  });
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
