// Keras's ConvNeXt `StochasticDepth` (drop path): during training it drops each sample's
// residual branch with probability dropPathRate and scales the kept ones by 1 / (1 - rate);
// at inference it is the identity. The mask comes from the step's seed when the training loop set
// one (maskSeed.ts).
import * as tf from '@tensorflow/tfjs';
import { maskSeedFor } from './maskSeed';

export interface StochasticDepthArgs {
  /** Probability of dropping the branch, in [0, 1). */
  dropPathRate: number;
  name?: string;
}

export class StochasticDepth extends tf.layers.Layer {
  static className = 'StochasticDepth';
  readonly dropPathRate: number;

  constructor(args: StochasticDepthArgs) {
    super({ name: args.name });
    if (!(args.dropPathRate >= 0 && args.dropPathRate < 1)) {
      throw new Error(`StochasticDepth needs a drop path rate in [0, 1), not ${args.dropPathRate}`);
    }
    this.dropPathRate = args.dropPathRate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.dropPathRate === 0) return x.clone();
    return tf.tidy(() => {
      const keep = 1 - this.dropPathRate;
      const perSample = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
      const mask = tf.randomUniform(perSample, 0, 1, 'float32', maskSeedFor(this.name)).add(keep).floor();
      return x.div(keep).mul(mask);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dropPathRate: this.dropPathRate };
  }
}

tf.serialization.registerClass(StochasticDepth);
