// Keras's `GlobalAveragePooling2D(keepdims=True)`: the spatial mean of each channel, kept as a
// 1x1 image (tfjs's GlobalAveragePooling2D cannot keep the dimensions). MobileNetV3's
// squeeze-and-excite blocks pool this way, without the Reshape EfficientNet uses.
import * as tf from '@tensorflow/tfjs';

export class GlobalAveragePooling2DKeepDims extends tf.layers.Layer {
  static className = 'GlobalAveragePooling2DKeepDims';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => (Array.isArray(inputs) ? inputs[0] : inputs).mean([1, 2], true));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], 1, 1, shape[3]];
  }
}

tf.serialization.registerClass(GlobalAveragePooling2DKeepDims);
