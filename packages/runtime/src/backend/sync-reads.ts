// Synchronous reads (dataSync) on every backend. tfjs-backend-webgpu reads a GPU tensor
// synchronously through an OffscreenCanvas, which Node lacks: in Node WebGPU can only read
// asynchronously. Where a synchronous API needs tensor values (the ONNX export of weights, the
// optimizer-state file), they are first read asynchronously, which leaves a copy on the CPU that
// dataSync() then returns. Elsewhere it does nothing.
import * as tf from '@tensorflow/tfjs';

export async function prefetchForSyncReads(tensors: readonly tf.Tensor[]): Promise<void> {
  if (tf.getBackend() !== 'webgpu') return;
  await Promise.all(tensors.map((tensor) => tensor.data()));
}
