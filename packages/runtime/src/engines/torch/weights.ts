// The model's weights between tfjs and the generated PyTorch module: written as safetensors under
// the state_dict keys, in PyTorch's layouts (kernels OIHW, Dense weights [out, in]); read back
// from the trainer's safetensors into the tfjs model, transposed back.
import * as tf from '@tensorflow/tfjs';
import { permute } from '../../onnx/permute';
import type { TorchWeight } from './generate';
import { decodeSafetensors, encodeSafetensors, type NamedArray } from './safetensors';

function inverse(perm: number[]): number[] {
  const out = new Array<number>(perm.length);
  perm.forEach((p, i) => (out[p] = i));
  return out;
}

function variablesByName(model: tf.LayersModel): Map<string, tf.LayerVariable> {
  return new Map(model.weights.map((w) => [w.originalName, w]));
}

/** The model's weights as safetensors bytes under the state_dict keys of `map`. */
export function torchWeightsOf(model: tf.LayersModel, map: TorchWeight[]): Uint8Array {
  const variables = variablesByName(model);
  const tensors: NamedArray[] = map.map((w) => {
    const variable = variables.get(w.tfjs);
    if (!variable) throw new Error(`the model has no weight ${w.tfjs}`);
    const data = variable.read().dataSync() as Float32Array;
    const laid = w.perm ? permute(data, w.tfjsShape, w.perm).data : data;
    return { name: w.torch, shape: w.torchShape, data: laid };
  });
  return encodeSafetensors(tensors, { format: 'pt', producer: 'tlc' });
}

/** Writes the weights of a safetensors file (state_dict keys of `map`) into the model. */
export function loadTorchWeights(model: tf.LayersModel, map: TorchWeight[], bytes: Uint8Array): void {
  const tensors = decodeSafetensors(bytes);
  const variables = variablesByName(model);
  const values = map.map((w) => {
    const t = tensors.get(w.torch);
    if (!t) throw new Error(`the trained weights have no tensor ${w.torch}`);
    if (t.data.length !== w.tfjsShape.reduce((a, b) => a * b, 1)) throw new Error(`tensor ${w.torch} has shape [${t.shape}], expected [${w.torchShape}]`);
    // A depthwise weight's PyTorch shape is a reshape of the permuted one: undo the permutation on that.
    const data = w.perm ? permute(t.data, permuted(w.tfjsShape, w.perm), inverse(w.perm)).data : t.data;
    return { variable: variables.get(w.tfjs)!, data };
  });
  tf.tidy(() => {
    for (const { variable, data } of values) variable.write(tf.tensor(data, variable.shape as number[], 'float32'));
  });
}

function permuted(shape: number[], perm: number[]): number[] {
  return perm.map((p) => shape[p]);
}
