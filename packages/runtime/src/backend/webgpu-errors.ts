// Errors of the WebGPU device made visible. WebGPU reports a failed allocation asynchronously
// (an 'uncapturederror' event carrying a GPUOutOfMemoryError, or a validation error for a buffer
// over the device's size limit), never by throwing, and tfjs then computes on an invalid buffer.
// The first such error since the last read is recorded, and the backend's next read of a tensor
// (every training step reads its loss) throws it, so the stage turns an allocation failure into
// TL4205 like any other out-of-memory. A lost device is reported the same way.
import type { KernelBackend } from '@tensorflow/tfjs';

type ErrorEventLike = { error?: { message?: string; constructor?: { name?: string } }; preventDefault?: () => void };

/** The message of a device error, worded so that isOutOfMemory() recognises allocation failures. */
export function deviceErrorMessage(kind: string, message: string): string {
  const firstLine = message.split('\n')[0]!.trim();
  if (kind === 'GPUOutOfMemoryError' || /out of memory/i.test(message)) return `WebGPU device out of memory: ${firstLine}`;
  if (/exceeds the max buffer size/i.test(message)) return `WebGPU device out of memory (a tensor larger than the device's largest buffer): ${firstLine}`;
  return `WebGPU device error (${kind}): ${firstLine}`;
}

export function watchDeviceErrors(device: GPUDevice, backend: KernelBackend): void {
  let failure: Error | null = null;
  device.addEventListener('uncapturederror', (event) => {
    const { error, preventDefault } = event as unknown as ErrorEventLike;
    preventDefault?.call(event);
    failure ??= new Error(deviceErrorMessage(error?.constructor?.name ?? 'GPUError', error?.message ?? 'unknown error'));
  });
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') failure ??= new Error(`WebGPU device lost: ${info.message}`);
  });
  const read = backend.read.bind(backend);
  backend.read = async (dataId) => {
    const values = await read(dataId);
    if (failure !== null) {
      const error = failure;
      failure = null;
      throw error;
    }
    return values;
  };
}
