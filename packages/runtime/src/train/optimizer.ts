// The plan's optimizer as a tfjs optimizer, with Keras 3's decoupled weight decay for every
// optimizer (`weight_decay`, which AdamW merely turns on by default): before each step every
// trained variable shrinks by learningRate * weightDecay * itself, then the optimizer's own update
// runs on the gradient of the loss alone, taken at the weights before the decay
// (keras.optimizers.Optimizer.apply: _apply_weight_decay, then the update step).
// Its state (tfjs's getWeights plus Adam's running bias-correction powers, which setWeights
// would recompute with pow and so round differently) can be read and restored for --resume.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerPlan } from '@tlc/plan';

/** One tensor of an optimizer's state, by its name (tfjs's NamedTensor, which tfjs does not export). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface StageOptimizer {
  /** One step: minimizes `loss` over `variables`; returns the loss value. */
  step(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar;
  /** The learning rate of the next steps (a schedule's); the weight decay scales with it, as Keras's. */
  setLearningRate(lr: number): void;
  readonly learningRate: number;
  /** Copies of the optimizer's state (the caller disposes them). */
  state(): Promise<NamedTensor[]>;
  /** Continues from a state `state()` returned (takes ownership of the tensors). */
  restore(state: NamedTensor[]): Promise<void>;
  dispose(): void;
}

/** Adam's running powers of beta1 and beta2, kept as they are rather than recomputed on restore. */
const RUNNING_POWERS = ['accBeta1', 'accBeta2'] as const;

function runningPowers(optimizer: tf.Optimizer): { name: string; variable: tf.Variable }[] {
  const fields = optimizer as unknown as Record<string, unknown>;
  return RUNNING_POWERS.filter((name) => fields[name] instanceof tf.Variable).map((name) => ({ name, variable: fields[name] as tf.Variable }));
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
  // A plan without a weight decay gets Keras's default: 0.004 for AdamW, none otherwise.
  const weightDecay = plan.weightDecay ?? (plan.name === 'adamw' ? 0.004 : 0);
  let learningRate = plan.learningRate;
  let decay = learningRate * weightDecay;
  return {
    get learningRate() {
      return learningRate;
    },
    setLearningRate(lr) {
      if (lr === learningRate) return;
      learningRate = lr;
      decay = lr * weightDecay;
      // SGD and momentum keep the rate as a tensor (setLearningRate); Adam and RMSprop read the field.
      const fields = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
      if (typeof fields.setLearningRate === 'function') fields.setLearningRate(lr);
      else fields.learningRate = lr;
    },
    step(loss, variables) {
      // As Keras: the gradients at the current weights, then the decay, then the update.
      const { value, grads } = optimizer.computeGradients(loss, variables);
      if (decay > 0) {
        tf.tidy(() => {
          for (const v of variables) v.assign(tf.sub(v, tf.mul(v, decay)));
        });
      }
      optimizer.applyGradients(variables.filter((v) => grads[v.name]).map((v) => ({ name: v.name, tensor: grads[v.name] })));
      tf.dispose(grads);
      return value;
    },
    async state() {
      const weights = await optimizer.getWeights();
      const own = weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
      // getWeights() makes a new scalar for the iteration count beside the optimizer's own
      // variables: freed here, else every epoch (each saves this state) leaks one tensor.
      tf.dispose(weights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
      const powers = runningPowers(optimizer).map((p) => ({ name: `optimizer/${p.name}`, tensor: p.variable.clone() }));
      return [...own, ...powers];
    },
    async restore(state) {
      const powers = new Map(state.filter((w) => w.name.startsWith('optimizer/')).map((w) => [w.name.slice('optimizer/'.length), w.tensor]));
      await optimizer.setWeights(state.filter((w) => !w.name.startsWith('optimizer/')));
      for (const p of runningPowers(optimizer)) {
        const saved = powers.get(p.name);
        if (saved) p.variable.assign(saved);
      }
      powers.forEach((t) => t.dispose());
    },
    dispose: () => optimizer.dispose(),
  };
}
