// tfjs's Dense, with a training step that computes only the gradients the optimizer asks for.
// tfjs-layers computes a rank-2 Dense with tf.fused.matMul, whose gradient (a customGrad) always
// computes the gradient of the layer's input as well as of its kernel and bias. For a head's first
// Dense, whose input is the frozen trunk's features, that input gradient is thrown away, and on the
// WebAssembly backend it is the most expensive kernel of a small head's step (a 32x4 by 4x1280
// product, ~0.5 ms, against ~1.4 ms for the rest of the step). In training, this class computes
// the same function as plain matMul + add + activation, whose gradients tfjs's tape prunes to the
// inputs that lead to the trained variables. Inference and inputs of other ranks keep tfjs's fused
// code path. Weights, names, order and config are tfjs's; it registers under tfjs's class name
// 'Dense', so saved models load back as this class.
import * as tf from '@tensorflow/tfjs';
import { tfjsLayerClass } from './tfjsLayerClass';

export type DenseArgs = Parameters<typeof tf.layers.dense>[0];
type TfjsDense = ReturnType<typeof tf.layers.dense>;

const TfjsDense = tfjsLayerClass<DenseArgs, TfjsDense>('Dense');

/** The fields of tfjs's Dense this class reads (private in tfjs's typings). */
interface DenseFields {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

export class Dense extends TfjsDense {
  static className = 'Dense';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { [key: string]: unknown }): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs['training'] !== true || input.rank !== 2) return super.call(inputs, kwargs);
    const { kernel, bias, activation } = this as unknown as DenseFields;
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      let output: tf.Tensor = tf.matMul(input as tf.Tensor2D, kernel.read() as tf.Tensor2D);
      if (bias) output = tf.add(output, bias.read());
      return activation ? activation.apply(output) : output;
    });
  }
}

tf.serialization.registerClass(Dense);
