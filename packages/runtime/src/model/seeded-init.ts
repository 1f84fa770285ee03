// Repeatable initial weights: each randomly initialised weight is drawn again from its layer's
// own initializer with a seed derived from the run's seed and the weight's name, so two runs of
// the same plan start from the same weights (tfjs's initializers are unseeded by default).
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';

/** The layer property holding the initializer of a weight, by the weight's short name. */
const INITIALIZER_OF: Record<string, string> = {
  kernel: 'kernelInitializer',
  bias: 'biasInitializer',
  depthwise_kernel: 'depthwiseInitializer',
  pointwise_kernel: 'pointwiseInitializer',
  gamma: 'gammaInitializer',
  beta: 'betaInitializer',
  moving_mean: 'movingMeanInitializer',
  moving_variance: 'movingVarianceInitializer',
};

type SeededInitializer = ReturnType<typeof tf.initializers.glorotUniform> & { seed?: number };

/** A number for a string (FNV-1a), so a weight's seed depends on its name, not its position. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Re-draws the weights of `layers` (those with a seedable initializer) from `seed`. */
export function seedInitialWeights(layers: tf.layers.Layer[], seed: number): void {
  for (const layer of layers) {
    for (const weight of layer.weights) {
      const short = weight.originalName.split('/').pop() ?? '';
      const key = INITIALIZER_OF[short];
      const initializer = key ? ((layer as unknown as Record<string, unknown>)[key] as SeededInitializer | undefined) : undefined;
      if (!initializer || !('seed' in initializer)) continue;
      const previous = initializer.seed;
      initializer.seed = deriveSeed(seed, nameHash(weight.originalName));
      try {
        tf.tidy(() => {
          weight.write(initializer.apply(weight.shape, weight.dtype));
        });
      } finally {
        initializer.seed = previous;
      }
    }
  }
}
