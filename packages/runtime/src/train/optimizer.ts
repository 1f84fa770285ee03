// The plan's optimizer as a tfjs optimizer. AdamW is Adam plus Keras's decoupled weight decay:
// before each Adam step every trained variable shrinks by learningRate * weightDecay * itself.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerPlan } from '@tlc/plan';

export interface StageOptimizer {
  /** One step: minimizes `loss` over `variables`; returns the loss value. */
  step(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar;
  dispose(): void;
}

function baseOptimizer(plan: OptimizerPlan): tf.Optimizer {
  const lr = plan.learningRate;
  switch (plan.name) {
    case 'sgd':
      return plan.momentum ? tf.train.momentum(lr, plan.momentum) : tf.train.sgd(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, plan.momentum ?? 0, plan.epsilon ?? 1e-7);
    case 'adam':
    case 'adamw':
      return tf.train.adam(lr, plan.beta1 ?? 0.9, plan.beta2 ?? 0.999, plan.epsilon ?? 1e-7);
  }
}

export function makeOptimizer(plan: OptimizerPlan): StageOptimizer {
  const optimizer = baseOptimizer(plan);
  const decay = plan.name === 'adamw' ? plan.learningRate * (plan.weightDecay ?? 0.004) : 0;
  return {
    step(loss, variables) {
      if (decay > 0) {
        tf.tidy(() => {
          for (const v of variables) v.assign(tf.sub(v, tf.mul(v, decay)));
        });
      }
      return optimizer.minimize(loss, true, variables) as tf.Scalar;
    },
    dispose: () => optimizer.dispose(),
  };
}
