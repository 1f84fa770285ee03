// Calls the WebAssembly backend's own kernels (XNNPACK convolutions, BatchMatMul, Transpose, PadV2,
// StridedSlice, …) from inside another kernel, without going through the tfjs engine: the
// gradient kernels in this folder are compositions of them. Every intermediate result is
// tracked and released with backend.disposeData when the composition ends; the one result the
// composition returns is kept.
import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export class WasmCalls {
  private readonly intermediates: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs the wasm backend's kernel `kernelName` and tracks its output as an intermediate. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, 'wasm');
    if (kernel === undefined) throw new Error(`the WebAssembly backend has no ${kernelName} kernel`);
    const output = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(output)) throw new Error(`${kernelName} returned several tensors where one was expected`);
    this.intermediates.push(output);
    return output;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Zero padding; `paddings` holds [before, after] per axis, all non-negative. */
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    if (paddings.every(([before, after]) => before === 0 && after === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /** x[begin : end : strides] on every axis. */
  stridedSlice(x: TensorInfo, begin: number[], end: number[], strides: number[]): TensorInfo {
    return this.run('StridedSlice', { x }, { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
  }

  /** x[begin : begin + size] on every axis; no copy when it would take all of x. */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, axis) => s === x.shape[axis])) return x;
    return this.run('Slice', { x }, { begin, size });
  }

  /** Ends the composition: releases every intermediate except `result`, which is returned. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.intermediates) {
      if (t !== result) this.backend.disposeData(t.dataId);
    }
    this.intermediates.length = 0;
    return result;
  }

  /** Releases every intermediate (the composition failed). */
  abandon(): void {
    for (const t of this.intermediates) this.backend.disposeData(t.dataId);
    this.intermediates.length = 0;
  }
}

/** Runs `compose` with a fresh WasmCalls; intermediates are released whether it succeeds or throws. */
export function composeWasm(backend: BackendWasm, compose: (calls: WasmCalls) => TensorInfo): TensorInfo {
  const calls = new WasmCalls(backend);
  let result: TensorInfo;
  try {
    result = compose(calls);
  } catch (error) {
    calls.abandon();
    throw error;
  }
  return calls.finish(result);
}
