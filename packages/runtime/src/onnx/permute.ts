// Permutes the axes of a row-major float32 array (tfjs HWIO kernels to ONNX OIHW), in plain
// loops: much faster at export than a tfjs transpose per weight.

/** `data` of shape `shape` with its axes reordered so output axis i is input axis perm[i]. */
export function permute(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  if (perm.length !== shape.length) throw new Error(`permutation [${perm}] does not fit shape [${shape}]`);
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  const last = rank - 1;
  let source = 0;
  for (let o = 0; o < out.length; ) {
    // Innermost axis in a tight loop, then carry into the outer axes like an odometer.
    const step = strides[last];
    for (let k = 0, src = source; k < outShape[last]; k++, src += step) out[o++] = data[src];
    for (let axis = last - 1; axis >= 0; axis--) {
      index[axis]++;
      source += strides[axis];
      if (index[axis] < outShape[axis]) break;
      source -= strides[axis] * index[axis];
      index[axis] = 0;
    }
  }
  return { data: out, shape: outShape };
}
