// BatchMatMul for the WebAssembly backend, replacing the one tfjs-backend-wasm 4.22 ships when an
// operand is transposed. The backend hands a product to XNNPACK (SIMD, packed weights) only when
// neither operand is transposed; with transposeA or transposeB it runs plain blocked loops with
// strided reads, several times slower. Transposed products are what every gradient of a matrix
// product is (dW = xᵀ·dy, dx = dy·Wᵀ), so a dense head's training step spent most of its kernel
// time there: its kernel gradient for 32 features of 1280 took ~0.3 ms that way, ~0.06 ms below.
//
// A transposed product is rewritten as an untransposed one with explicit transposes, using
// (Aᵀ)ᵀ = A and (X·Y)ᵀ = Yᵀ·Xᵀ: either the operands marked transposed are transposed, or the
// transposed product is computed and its result transposed. The cheaper is chosen by the elements
// each moves: through the backend's Transpose, and through XNNPACK's packing of the right-hand
// operand (its "weights", packed again for every new tensor, as gradients always are), which
// measured about 3.5 times as much per element here. Products with a batch of more than one
// matrix, and small ones (where the extra kernel calls cost more than the loops), go to the
// backend's own kernel.
import { BatchMatMul, type BatchMatMulAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { composeWasm, type WasmCalls } from './wasm-calls';

/** Below this many multiply-adds, the backend's loops beat the extra transposes. */
export const MIN_REWRITTEN_PRODUCT = 16_384;

/** Cost of one element through XNNPACK's weight packing, against one through Transpose. */
const PACK_COST = 3.5;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** One way to compute the product with neither operand transposed. */
interface Rewrite {
  cost: number;
  compute(calls: WasmCalls, a: TensorInfo, b: TensorInfo): TensorInfo;
}

/**
 * The rewrites of op(A)·op(B) for a stored [ra, ca] and b stored [rb, cb] (op transposes when the
 * flag says so), each giving the [m, n] product as a [1, m, n] tensor.
 */
function rewrites(ra: number, ca: number, rb: number, cb: number, transposeA: boolean, transposeB: boolean): Rewrite[] {
  const m = transposeA ? ca : ra;
  const n = transposeB ? rb : cb;
  const t = (calls: WasmCalls, x: TensorInfo, rows: number, cols: number) => calls.transpose(calls.reshape(x, [rows, cols]), [1, 0]);
  // Untransposed, so this kernel hands it straight to the backend's (XNNPACK's) own.
  const product = (calls: WasmCalls, left: TensorInfo, right: TensorInfo, rows: number, inner: number, cols: number) =>
    calls.run('BatchMatMul', { a: calls.reshape(left, [1, rows, inner]), b: calls.reshape(right, [1, inner, cols]) }, { transposeA: false, transposeB: false });
  const k = transposeA ? ra : ca;
  return [
    // op(A)·op(B), transposing the marked operands; XNNPACK packs op(B).
    {
      cost: (transposeA ? ra * ca : 0) + (transposeB ? rb * cb : 0) + PACK_COST * rb * cb,
      compute: (calls, a, b) =>
        product(calls, transposeA ? t(calls, a, ra, ca) : a, transposeB ? t(calls, b, rb, cb) : b, m, k, n),
    },
    // (op(B)ᵀ·op(A)ᵀ)ᵀ, where op(B)ᵀ is B itself when transposeB and op(A)ᵀ is A itself when
    // transposeA; XNNPACK packs op(A)ᵀ, and the [n, m] result is transposed.
    {
      cost: (transposeA ? 0 : ra * ca) + (transposeB ? 0 : rb * cb) + m * n + PACK_COST * ra * ca,
      compute: (calls, a, b) => {
        const left = transposeB ? b : t(calls, b, rb, cb);
        const right = transposeA ? a : t(calls, a, ra, ca);
        const flipped = product(calls, left, right, n, k, m);
        return calls.reshape(calls.transpose(calls.reshape(flipped, [n, m]), [1, 0]), [1, m, n]);
      },
    },
  ];
}

/** The BatchMatMul kernel that rewrites transposed single products and leaves the rest to `backendMatMul`. */
export function untransposingBatchMatMulConfig(backendMatMul: KernelConfig): KernelConfig {
  const batchMatMul = (args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: BackendWasm; attrs: BatchMatMulAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const { transposeA, transposeB } = attrs;
    const own = () => backendMatMul.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return own();
    if (a.shape.length < 2 || b.shape.length < 2) return own();
    const [ra, ca] = a.shape.slice(-2) as [number, number];
    const [rb, cb] = b.shape.slice(-2) as [number, number];
    const aBatch = size(a.shape.slice(0, -2));
    const bBatch = size(b.shape.slice(0, -2));
    const inner = transposeA ? ra : ca;
    const m = transposeA ? ca : ra;
    const n = transposeB ? rb : cb;
    if (aBatch !== 1 || bBatch !== 1 || inner !== (transposeB ? cb : rb) || m * n * inner < MIN_REWRITTEN_PRODUCT) return own();
    // The shape the backend's kernel gives: the broadcast batch dimensions (all ones), then [m, n].
    const batchDims = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
    const best = rewrites(ra, ca, rb, cb, transposeA, transposeB).reduce((x, y) => (y.cost < x.cost ? y : x));
    return composeWasm(backend, (calls) => calls.reshape(best.compute(calls, a, b), [...batchDims, m, n]));
  };
  return { kernelName: BatchMatMul, backendName: 'wasm', setupFunc: backendMatMul.setupFunc, kernelFunc: batchMatMul as unknown as KernelFunc };
}
