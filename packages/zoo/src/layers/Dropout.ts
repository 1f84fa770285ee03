// tfjs's Dropout, whose training masks are drawn from the step's seed when the training loop set
// one (maskSeed.ts). tfjs draws a mask from its own unseeded generator on every call (or, given a
// fixed `seed`, the same mask on every call). Without a step seed its behaviour is unchanged.
// Weights (none), config and class name are tfjs's; it registers under tfjs's class name
// 'Dropout', so saved models load back as this class.
import * as tf from '@tensorflow/tfjs';
import { tfjsLayerClass } from './tfjsLayerClass';
import { maskSeedFor } from './maskSeed';

export type DropoutArgs = Parameters<typeof tf.layers.dropout>[0];
type TfjsDropout = ReturnType<typeof tf.layers.dropout>;

const TfjsDropout = tfjsLayerClass<DropoutArgs, TfjsDropout>('Dropout');

export class Dropout extends TfjsDropout {
  static className = 'Dropout';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { [key: string]: unknown }): tf.Tensor | tf.Tensor[] {
    const seed = maskSeedFor(this.name);
    if (seed === undefined || kwargs['training'] !== true) return super.call(inputs, kwargs);
    // tfjs's Dropout draws its mask with its `seed` field: set for this call only.
    const fields = this as unknown as { seed?: number };
    const own = fields.seed;
    fields.seed = seed;
    try {
      return super.call(inputs, kwargs);
    } finally {
      fields.seed = own;
    }
  }
}

tf.serialization.registerClass(Dropout);
