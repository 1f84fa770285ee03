// Keras's `CustomScaleLayer` (keras/src/applications/inception_resnet_v2.py): the residual
// connection of an Inception-ResNet unit, y = x + up * scale, with inputs [x, up] of one shape.
// Registered under Keras's class name so models that use it load again.
import * as tf from '@tensorflow/tfjs';

export interface CustomScaleLayerArgs {
  scale: number;
  name?: string;
}

export class CustomScaleLayer extends tf.layers.Layer {
  static className = 'CustomScaleLayer';
  readonly scale: number;

  constructor(args: CustomScaleLayerArgs) {
    super(args);
    this.scale = args.scale;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new Error(`CustomScaleLayer takes two inputs [x, up], got ${Array.isArray(inputs) ? inputs.length : 1}`);
    }
    const [x, up] = inputs;
    return tf.tidy(() => x.add(up.mul(this.scale)));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(CustomScaleLayer);
