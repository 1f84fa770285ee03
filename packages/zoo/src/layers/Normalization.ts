// Keras's `Normalization` preprocessing layer on the channel axis: y = (x - mean) / sqrt(variance)
// (the divisor never below 1e-7, as Keras does). Like Keras, it either holds mean and variance as
// constants given in its config (EfficientNetV2), or, when none are given, as non-trainable
// weights `mean`, `variance` and `count` that Keras stores in its .h5 files (EfficientNet, where
// they count 2 * channels + 1 parameters). `count` is float32 here (Keras: int64); nothing reads it.
import * as tf from '@tensorflow/tfjs';

export interface NormalizationArgs {
  /** Only the channels-last axis, -1, is supported. */
  axis?: number;
  /** Fixed per-channel statistics; when both are absent the layer has weights instead. */
  mean?: number[];
  variance?: number[];
  name?: string;
  inputShape?: number[];
}

const EPSILON = 1e-7;

export class Normalization extends tf.layers.Layer {
  static className = 'Normalization';
  readonly axis: number;
  readonly fixedMean?: number[];
  readonly fixedVariance?: number[];
  private meanWeight?: tf.LayerVariable;
  private varianceWeight?: tf.LayerVariable;

  constructor(args: NormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    if (this.axis !== -1 && this.axis !== 3) {
      throw new Error(`Normalization supports the channels-last axis only, not axis ${this.axis}`);
    }
    if ((args.mean === undefined) !== (args.variance === undefined)) {
      throw new Error('Normalization needs both mean and variance, or neither');
    }
    this.fixedMean = args.mean;
    this.fixedVariance = args.variance;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels === null) throw new Error('Normalization needs a known number of channels');
    if (this.fixedMean === undefined) {
      this.meanWeight = this.addWeight('mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
      this.varianceWeight = this.addWeight('variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
      this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs).toFloat();
      const mean = this.meanWeight ? this.meanWeight.read() : tf.tensor1d(this.fixedMean as number[]);
      const variance = this.varianceWeight
        ? this.varianceWeight.read()
        : tf.tensor1d(this.fixedVariance as number[]);
      return x.sub(mean).div(variance.sqrt().maximum(EPSILON));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), axis: this.axis };
    if (this.fixedMean !== undefined) {
      config.mean = this.fixedMean;
      config.variance = this.fixedVariance as number[];
    }
    return config;
  }
}

tf.serialization.registerClass(Normalization);
