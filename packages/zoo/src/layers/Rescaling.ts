// Keras's `Rescaling` preprocessing layer: y = x * scale + offset, where scale and offset are a
// number or one value per channel (EfficientNet rescales by 1/sqrt(stddev) per channel). It
// replaces tfjs's own `Rescaling` (scalars only) in the serialization registry, reading the same
// config, so models that use either load again.
import * as tf from '@tensorflow/tfjs';

/** A number, or one number per channel (the last axis). */
export type PerChannel = number | number[];

export interface RescalingArgs {
  scale: PerChannel;
  offset?: PerChannel;
  name?: string;
  inputShape?: number[];
}

export class Rescaling extends tf.layers.Layer {
  static className = 'Rescaling';
  readonly scale: PerChannel;
  readonly offset: PerChannel;

  constructor(args: RescalingArgs) {
    super(args);
    this.scale = args.scale;
    this.offset = args.offset ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs).toFloat();
      return x.mul(tf.tensor(this.scale)).add(tf.tensor(this.offset));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

tf.serialization.registerClass(Rescaling);
