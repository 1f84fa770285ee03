// tfjs's BatchNormalization, made trainable without `scale` or `center` (Keras's `conv2d_bn` in
// InceptionV3 and InceptionResNetV2 uses scale=False). tfjs-layers 4.22 reads `gamma` and `beta`
// unconditionally in training mode, so such a layer throws as soon as it trains, and in inference
// tf.batchNorm's gradient fails without them (a frozen backbone under a trained head). This subclass
// keeps tfjs's weights, names, order and config (beta, moving_mean, moving_variance when
// scale=False, as Keras stores them) and tfjs's own code path whenever both exist; without gamma or
// beta it normalises here: with the moving statistics in inference; in training with the batch
// moments, updating Keras's moving averages (moving = momentum * moving + (1 - momentum) * batch
// statistic, batch variance biased). Only the affine parts that exist are applied.
// It registers under tfjs's class name 'BatchNormalization', replacing tfjs's class in the
// serialization map, so code that asks a layer for its class name still sees a BatchNormalization
// and saved models load back as this class.
// With both gamma and beta, training mode over the last axis (every zoo model's) runs
// batchNormInTraining: tfjs's forward pass with its gradient in closed form (./batchNormTraining.ts).
import * as tf from '@tensorflow/tfjs';
import { batchNormInTraining } from './batchNormTraining';
import { tfjsLayerClass } from './tfjsLayerClass';

export type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type TfjsBatchNormalization = ReturnType<typeof tf.layers.batchNormalization>;

const TfjsBatchNormalization = tfjsLayerClass<BatchNormalizationArgs | undefined, TfjsBatchNormalization>('BatchNormalization');

/** The layer's variable called `name` (tfjs keeps its own fields private). */
function weightNamed(layer: tf.layers.Layer, name: string): tf.LayerVariable | undefined {
  return layer.weights.find((w) => w.originalName.endsWith(`/${name}`));
}

export class BatchNormalization extends TfjsBatchNormalization {
  static className = 'BatchNormalization';
  private readonly normAxis: number;
  private readonly decay: number;
  private readonly fuzz: number;
  private gammaWeight?: tf.LayerVariable;
  private betaWeight?: tf.LayerVariable;
  private movingMeanWeight?: tf.LayerVariable;
  private movingVarianceWeight?: tf.LayerVariable;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.normAxis = args.axis ?? -1;
    this.decay = 1 - (args.momentum ?? 0.99);
    this.fuzz = args.epsilon ?? 1e-3;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    super.build(inputShape);
    this.gammaWeight = weightNamed(this, 'gamma');
    this.betaWeight = weightNamed(this, 'beta');
    this.movingMeanWeight = weightNamed(this, 'moving_mean');
    this.movingVarianceWeight = weightNamed(this, 'moving_variance');
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { [key: string]: unknown }): tf.Tensor | tf.Tensor[] {
    if (this.gammaWeight && this.betaWeight) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const lastAxis = this.normAxis === -1 || this.normAxis === x.rank - 1;
      if (kwargs['training'] !== true || !lastAxis) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const { y, mean, variance } = batchNormInTraining(x, this.gammaWeight!.read(), this.betaWeight!.read(), this.fuzz);
        this.updateMovingAverage(this.movingMeanWeight!, mean);
        this.updateMovingAverage(this.movingVarianceWeight!, variance);
        tf.dispose([mean, variance]);
        return y;
      });
    }
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axis = this.normAxis >= 0 ? this.normAxis : this.normAxis + x.rank;
      const broadcastShape = x.shape.map((size, i) => (i === axis ? size : 1));
      const broadcast = (t: tf.Tensor) => t.reshape(broadcastShape);
      // Plain arithmetic rather than tf.batchNorm: its gradient fails on an absent scale or offset.
      const normalise = (mean: tf.Tensor, variance: tf.Tensor): tf.Tensor => {
        let normed = x.sub(broadcast(mean)).mul(broadcast(variance).add(this.fuzz).rsqrt());
        if (this.gammaWeight) normed = normed.mul(broadcast(this.gammaWeight.read()));
        if (this.betaWeight) normed = normed.add(broadcast(this.betaWeight.read()));
        return normed;
      };
      if (kwargs['training'] !== true) return normalise(this.movingMeanWeight!.read(), this.movingVarianceWeight!.read());
      const reductionAxes = x.shape.map((_, i) => i).filter((i) => i !== axis);
      const { mean, variance } = tf.moments(x, reductionAxes);
      this.updateMovingAverage(this.movingMeanWeight!, mean);
      this.updateMovingAverage(this.movingVarianceWeight!, variance);
      return normalise(mean, variance);
    });
  }

  private updateMovingAverage(variable: tf.LayerVariable, batchValue: tf.Tensor): void {
    tf.tidy(() => {
      const current = variable.read();
      variable.write(current.sub(current.sub(batchValue).mul(this.decay)));
    });
  }
}

tf.serialization.registerClass(BatchNormalization);
