// Keras's ConvNeXt `LayerScale`: multiplies its input by a learned per-channel scale `gamma`
// (projection_dim values, initialised to a small constant, 1e-6 in ConvNeXt).
import * as tf from '@tensorflow/tfjs';

export interface LayerScaleArgs {
  /** The initial value of every scale (Keras: init_values). */
  initValues: number;
  /** The number of channels scaled (Keras: projection_dim). */
  projectionDim: number;
  /** 'zeros' starts gamma at zero instead of initValues (for fast builds before loading weights). */
  gammaInitializer?: 'zeros';
  name?: string;
}

export class LayerScale extends tf.layers.Layer {
  static className = 'LayerScale';
  readonly initValues: number;
  readonly projectionDim: number;
  private readonly startAtZero: boolean;
  private gamma?: tf.LayerVariable;

  constructor(args: LayerScaleArgs) {
    super({ name: args.name });
    this.initValues = args.initValues;
    this.projectionDim = args.projectionDim;
    this.startAtZero = args.gammaInitializer === 'zeros';
  }

  override build(): void {
    const initializer = this.startAtZero
      ? tf.initializers.zeros()
      : tf.initializers.constant({ value: this.initValues });
    this.gamma = this.addWeight('gamma', [this.projectionDim], 'float32', initializer, undefined, true);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return x.mul(this.gamma!.read());
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValues: this.initValues, projectionDim: this.projectionDim };
  }
}

tf.serialization.registerClass(LayerScale);
