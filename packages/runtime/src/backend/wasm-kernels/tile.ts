// Tile for the WebAssembly backend, replacing the one tfjs-backend-wasm 4.22 ships where the tile
// only repeats axes of size 1 (a broadcast), as tfjs's BatchNormalization gradient does for every
// normalised activation ([1, 1, 1, C] to [N, H, W, C]): the backend's generic Tile walks every
// output element and took about a third of a MobileNetV2 training step. A broadcast is the
// product with a tensor of ones of the repeated shape, which the backend's Multiply broadcasts
// natively; x * 1 is exactly x. Every other tile goes to the backend's own kernel.
import { Tile, type KernelConfig, type KernelFunc, type TensorInfo, type TileAttrs } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { composeWasm } from './wasm-calls';

function isBroadcast(x: TensorInfo, reps: number[]): boolean {
  return x.dtype === 'float32' && reps.length === x.shape.length && reps.every((r, axis) => r === 1 || x.shape[axis] === 1);
}

/**
 * The Tile kernel that broadcasts through Multiply and leaves every other tile to `backendTile`,
 * whose set-up (run when the backend starts) it keeps.
 */
export function broadcastingTileConfig(backendTile: KernelConfig): KernelConfig {
  const tile = (args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: TileAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (!isBroadcast(x, attrs.reps)) return backendTile.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    return composeWasm(backend, (calls) => {
      const ones = calls.run('Fill', {}, { shape: attrs.reps, value: 1, dtype: 'float32' });
      return calls.run('Multiply', { a: x, b: ones });
    });
  };
  return { kernelName: Tile, backendName: 'wasm', setupFunc: backendTile.setupFunc, kernelFunc: tile as unknown as KernelFunc };
}
