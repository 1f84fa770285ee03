// The plan's optimizer as a tfjs optimizer, with Keras 3's decoupled weight decay for every
// optimizer (`weight_decay`, which AdamW merely turns on by default): before each step every
// trained variable shrinks by learningRate * weightDecay * itself, then the optimizer's own update
// runs on the gradient of the loss alone, taken at the weights before the decay
// (keras.optimizers.Optimizer.apply: _apply_weight_decay, then the update step).
// Its state (tfjs's getWeights plus Adam's running bias-correction powers, which setWeights
// would recompute with pow and so round differently) can be read and restored for --resume.
// Discriminative learning rates: variables in a group learn at the group's rate through their
// own tfjs optimizer of the same kind (one gradient computation for all); every rate moves with
// the schedule in proportion (setLearningRate sets the stage's; a group keeps its ratio to it).
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

/** Variables (by tf.Variable name) that learn at `ratio` times the stage's rate. */
export interface RateGroup {
  ratio: number;
  variables: ReadonlySet<string>;
}

function setRate(optimizer: tf.Optimizer, lr: number): void {
  // SGD and momentum keep the rate as a tensor (setLearningRate); Adam and RMSprop read the field.
  const fields = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof fields.setLearningRate === 'function') fields.setLearningRate(lr);
  else fields.learningRate = lr;
}

/** Group k > 0's state names carry `group<k>/` in front: group 0's are the single optimizer's, as before. */
const prefixOf = (k: number) => (k === 0 ? '' : `group${k}/`);

export function makeOptimizer(plan: OptimizerPlan, rateGroups: readonly RateGroup[] = []): StageOptimizer {
  // Group 0: every variable in no group, at the stage's rate.
  const ratios = [1, ...rateGroups.map((g) => g.ratio)];
  const optimizers = ratios.map((ratio) => baseOptimizer({ ...plan, learningRate: plan.learningRate * ratio }));
  const groupOf = (name: string) => {
    const k = rateGroups.findIndex((g) => g.variables.has(name));
    return k < 0 ? 0 : k + 1;
  };
  // A plan without a weight decay gets Keras's default: 0.004 for AdamW, none otherwise.
  const weightDecay = plan.weightDecay ?? (plan.name === 'adamw' ? 0.004 : 0);
  let learningRate = plan.learningRate;
  return {
    get learningRate() {
      return learningRate;
    },
    setLearningRate(lr) {
      if (lr === learningRate) return;
      learningRate = lr;
      optimizers.forEach((optimizer, k) => setRate(optimizer, lr * ratios[k]));
    },
    step(loss, variables) {
      // As Keras: the gradients at the current weights, then the decay, then the update.
      const { value, grads } = optimizers[0].computeGradients(loss, variables);
      const groups = optimizers.map(() => [] as tf.Variable[]);
      for (const v of variables) groups[groupOf(v.name)].push(v);
      if (weightDecay > 0) {
        tf.tidy(() => {
          groups.forEach((members, k) => {
            const decay = learningRate * ratios[k] * weightDecay;
            for (const v of members) v.assign(tf.sub(v, tf.mul(v, decay)));
          });
        });
      }
      groups.forEach((members, k) => {
        const own = members.filter((v) => grads[v.name]).map((v) => ({ name: v.name, tensor: grads[v.name] }));
        if (own.length > 0) optimizers[k].applyGradients(own);
      });
      tf.dispose(grads);
      return value;
    },
    async state() {
      const all: NamedTensor[] = [];
      for (const [k, optimizer] of optimizers.entries()) {
        const weights = await optimizer.getWeights();
        all.push(...weights.map((w) => ({ name: `${prefixOf(k)}${w.name}`, tensor: w.tensor.clone() })));
        // getWeights() makes a new scalar for the iteration count beside the optimizer's own
        // variables: freed here, else every epoch (each saves this state) leaks one tensor.
        tf.dispose(weights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
        all.push(...runningPowers(optimizer).map((p) => ({ name: `${prefixOf(k)}optimizer/${p.name}`, tensor: p.variable.clone() })));
      }
      return all;
    },
    async restore(state) {
      for (const [k, optimizer] of [...optimizers.entries()].reverse()) {
        const prefix = prefixOf(k);
        const own = state.filter((w) => (k === 0 ? !/^group\d+\//.test(w.name) : w.name.startsWith(prefix)))
          .map((w) => ({ name: w.name.slice(prefix.length), tensor: w.tensor }));
        const powers = new Map(own.filter((w) => w.name.startsWith('optimizer/')).map((w) => [w.name.slice('optimizer/'.length), w.tensor]));
        if (own.length > 0) await optimizer.setWeights(own.filter((w) => !w.name.startsWith('optimizer/')));
        for (const p of runningPowers(optimizer)) {
          const saved = powers.get(p.name);
          if (saved) p.variable.assign(saved);
        }
        powers.forEach((t) => t.dispose());
      }
    },
    dispose: () => optimizers.forEach((optimizer) => optimizer.dispose()),
  };
}
