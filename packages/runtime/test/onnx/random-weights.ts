// Test helper: gives a built backbone seeded random weights that keep activations on the order
// of one through the whole depth (He-uniform kernels, batch-norm gains at most one, random
// statistics and biases), so trunk outputs are non-trivial and float32 differences between two
// engines stay at rounding level rather than being amplified block after block.
import * as tf from '@tensorflow/tfjs';

export function randomizeWeights(model: tf.LayersModel, seed = 1): void {
  let next = seed;
  for (const w of model.weights) {
    const short = (w.originalName ?? w.name).split('/').pop() as string;
    const shape = w.shape as number[];
    if (short === 'count') continue;
    const uniform = (low: number, high: number) => tf.randomUniform(shape, low, high, 'float32', next++);
    let value: tf.Tensor;
    if (short.endsWith('kernel')) {
      const fanIn = short === 'depthwise_kernel' ? shape[0] * shape[1] : shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const limit = Math.sqrt(6 / fanIn);
      value = uniform(-limit, limit);
    } else if (short === 'gamma') value = uniform(0.4, 1.0);
    else if (short.endsWith('variance')) value = uniform(0.5, 1.5);
    else value = uniform(-0.2, 0.2);
    w.write(value);
    value.dispose();
  }
}
