// The gradient of ClipByValue (ReLU6 in every MobileNet, via the ReLU layer's maxValue), computed
// with float arithmetic instead of tfjs's comparisons. tfjs's gradient is
// where(x >= min && x <= max, dy, 0): two comparisons, a logical and and a select, which the
// WebAssembly backend runs without SIMD (~8.4 ms on a [32, 3, 3, 1280] activation, about a sixth
// of a MobileNetV2 `freeze until block5` training step). Here the same mask is
// (1 - step(min - x)) * (1 - step(x - max)), exactly 1 inside [min, max] and 0 outside, times dy
// (~1.1 ms). The values are tfjs's, except that a masked negative dy gives -0 instead of 0.
// Gradients are shared by every backend, and on the others tfjs's form is the faster one (the
// pure-JS backend takes ~28 ms for it, ~69 ms for the float form), so it is kept there.
import * as tf from '@tensorflow/tfjs';
import { ClipByValue, type ClipByValueAttrs, type GradConfig, type NamedAttrMap } from '@tensorflow/tfjs';

export const clipByValueGradConfig: GradConfig = {
  kernelName: ClipByValue,
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs?: NamedAttrMap) => {
    const [x] = saved as [tf.Tensor];
    const { clipValueMin, clipValueMax } = attrs as unknown as ClipByValueAttrs;
    return {
      x: () => {
        if (tf.getBackend() !== 'wasm') {
          return tf.where(tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax)), dy as tf.Tensor, tf.zerosLike(dy as tf.Tensor));
        }
        const atLeastMin = tf.sub(1, tf.step(tf.sub(clipValueMin, x)));
        const atMostMax = tf.sub(1, tf.step(tf.sub(x, clipValueMax)));
        return tf.mul(dy as tf.Tensor, tf.mul(atLeastMin, atMostMax));
      },
    };
  },
};
