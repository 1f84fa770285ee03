// Whether a CUDA GPU is visible to this process, asked before @tensorflow/tfjs-node-gpu is
// loaded (its native library cannot even load without the CUDA libraries). `nvidia-smi -L`
// is the probe; CUDA_VISIBLE_DEVICES set to "" or "-1" hides every GPU, as it does for CUDA.
import { execFile } from 'node:child_process';

export interface GpuProbe {
  visible: boolean;
  /** The first GPU's name when visible, else why none is. */
  detail: string;
}

export function probeGpu(): Promise<GpuProbe> {
  const visibleDevices = process.env.CUDA_VISIBLE_DEVICES;
  if (visibleDevices !== undefined && (visibleDevices.trim() === '' || visibleDevices.trim() === '-1')) {
    return Promise.resolve({ visible: false, detail: `CUDA_VISIBLE_DEVICES="${visibleDevices}" hides every GPU` });
  }
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['-L'], { timeout: 5000 }, (error, stdout) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        resolve({ visible: false, detail: missing ? 'no NVIDIA driver (nvidia-smi not found)' : 'nvidia-smi found no usable GPU' });
        return;
      }
      const gpu = stdout.split('\n').find((line) => line.startsWith('GPU '));
      resolve(gpu ? { visible: true, detail: gpu.replace(/\s*\(UUID:.*\)$/, '') } : { visible: false, detail: 'nvidia-smi lists no GPU' });
    });
  });
}
