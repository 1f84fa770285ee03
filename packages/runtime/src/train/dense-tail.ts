// A fused training step for a tail that is only dense layers (a `freeze all` head on cached,
// pooled features), in plain TypeScript on Float32Arrays. On tfjs such a step is ~85 kernels,
// each at the backend's fixed cost (~10-20 µs on wasm) whatever its size, for a few hundred
// thousand multiply-adds: the per-kernel floor, not the arithmetic, set the speed. Here one step
// is the forward pass, the loss's gradient, the backward pass and the optimizer's update as loops.
//
// It computes what the tfjs path computes (train/stage.ts, train/loss.ts, train/optimizer.ts):
// the same weights (read from and written back to the model's variables), the stage's loss with
// label smoothing and class weights and its clipping of probabilities to [1e-7, 1 - 1e-7], the
// optimizer's update exactly as tfjs writes it (each element-wise operation rounded to float32 as
// the backend does; Keras's decoupled weight decay first), and the same optimizer state names and
// layout, so checkpoints and --resume are interchangeable between the two paths. Products and sums
// accumulate in float64 before rounding, so results differ from tfjs's by float32 rounding only.
// What it does not cover returns a reason instead (denseTail), and the stage runs on tfjs.
import * as tf from '@tensorflow/tfjs';
import type { HeadPlan, StagePlan } from '@tlc/plan';
import type { LabelMix } from '../features/source';
import type { NamedTensor } from './optimizer';

const f = Math.fround;
const EPSILON = 1e-7;
const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
type Activation = (typeof ACTIVATIONS)[number];

interface DenseLayer {
  inputs: number;
  units: number;
  activation: Activation;
  /** The kernel transposed, [units, inputs] (tfjs's is [inputs, units]): every loop runs along the inputs. */
  kernel: Float32Array;
  bias: Float32Array | null;
  kernelVariable: tf.LayerVariable;
  biasVariable: tf.LayerVariable | null;
}

/** The fields of tfjs's Dense this module reads (private in tfjs's typings). */
interface DenseFields {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  kernelRegularizer?: unknown;
  biasRegularizer?: unknown;
  activityRegularizer?: unknown;
  kernelConstraint?: unknown;
  biasConstraint?: unknown;
}

/**
 * The tail's dense layers when the fused step covers the stage, else why not (the stage then
 * trains on tfjs). Covered: an input of rank 2, then trainable Dense layers (linear, relu,
 * sigmoid, tanh or softmax, no regularizer or constraint), a softmax or linear output of two or more
 * units, categorical cross-entropy, Adam, AdamW or SGD (with or without momentum).
 */
export function denseTail(tail: tf.LayersModel, head: HeadPlan, stage: StagePlan): DenseLayer[] | string {
  if (tail.inputs.length !== 1 || tail.inputs[0].shape.length !== 2) return 'the tail takes feature maps, not vectors';
  if (stage.loss !== 'categorical_crossentropy' && stage.loss !== 'sparse_categorical_crossentropy') return `loss ${stage.loss}`;
  if (head.outputUnits < 2) return 'one output unit';
  if (stage.optimizer.name === 'rmsprop') return 'optimizer rmsprop';
  const tailLayers = new Set(tail.layers.map((l) => l.name));
  if ((stage.layerLearningRates ?? []).some((g) => g.layers.some((name) => tailLayers.has(name)))) return 'discriminative learning rates';
  const layers: DenseLayer[] = [];
  for (const layer of tail.layers.slice(1)) {
    const name = layer.getClassName();
    if (name !== 'Dense') return `a ${name} layer`;
    if (!layer.trainable) return `a frozen dense layer`;
    const fields = layer as unknown as DenseFields;
    if (fields.kernelRegularizer || fields.biasRegularizer || fields.activityRegularizer || fields.kernelConstraint || fields.biasConstraint) {
      return 'a dense layer with a regularizer or constraint';
    }
    const activation = String(layer.getConfig().activation) as Activation;
    if (!ACTIVATIONS.includes(activation)) return `activation ${activation}`;
    const [inputs, units] = fields.kernel.shape as [number, number];
    layers.push({
      inputs, units, activation,
      kernel: new Float32Array(inputs * units), bias: fields.bias ? new Float32Array(units) : null,
      kernelVariable: fields.kernel, biasVariable: fields.bias,
    });
  }
  if (layers.length === 0) return 'no dense layer';
  const last = layers[layers.length - 1]!;
  if (last.activation !== head.outputActivation || (last.activation !== 'softmax' && last.activation !== 'linear')) return `output activation ${last.activation}`;
  if (layers.slice(0, -1).some((l) => l.activation === 'softmax')) return 'a hidden softmax';
  return layers;
}

interface Slot {
  /** The tfjs variable's name (the optimizer state's names derive from it). */
  name: string;
  value: Float32Array;
  grad: Float32Array;
  /** Adam's first and second moments, or momentum's accumulation (first). */
  first: Float32Array | null;
  second: Float32Array | null;
}

export interface StepResult {
  loss: number;
  hits: number;
  /** Finite unless an output is NaN or infinite (the NaN guard's second check). */
  outputSum: number;
}

/** The fused trainer: the tail's weights and the optimizer's state as Float32Arrays. */
export class DenseTailTrainer {
  private readonly slots: Slot[] = [];
  private readonly weightDecay: number;
  private iterations = 0;
  private accBeta1: number;
  private accBeta2: number;
  private lr: number;
  private acts: Float32Array[] = [];

  constructor(
    private readonly layers: DenseLayer[],
    private readonly head: HeadPlan,
    private readonly stage: StagePlan,
    private readonly classWeights: number[] | null,
  ) {
    const plan = stage.optimizer;
    this.weightDecay = plan.weightDecay ?? (plan.name === 'adamw' ? 0.004 : 0);
    this.lr = plan.learningRate;
    this.accBeta1 = f(plan.beta1 ?? 0.9);
    this.accBeta2 = f(plan.beta2 ?? 0.999);
    const moments = plan.name === 'adam' || plan.name === 'adamw';
    const accumulates = moments || (plan.name === 'sgd' && !!plan.momentum);
    for (const layer of layers) {
      for (const [variable, value] of [[layer.kernelVariable, layer.kernel], [layer.biasVariable, layer.bias]] as const) {
        if (!variable || !value) continue;
        this.slots.push({
          name: (variable.read() as tf.Variable).name, value, grad: new Float32Array(value.length),
          first: accumulates ? new Float32Array(value.length) : null, second: moments ? new Float32Array(value.length) : null,
        });
      }
    }
    this.readWeights();
  }

  get learningRate(): number {
    return this.lr;
  }

  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  /** Takes the weights from the model's variables (at the start, and after they were set there). */
  readWeights(): void {
    for (const layer of this.layers) {
      layer.kernel.set(transpose(layer.kernelVariable.read().dataSync() as Float32Array, layer.inputs, layer.units));
      if (layer.bias && layer.biasVariable) layer.bias.set(layer.biasVariable.read().dataSync() as Float32Array);
    }
  }

  /** Puts the weights into the model's variables (before a checkpoint, evaluation or the stage's end). */
  writeWeights(): void {
    for (const layer of this.layers) {
      tf.tidy(() => {
        layer.kernelVariable.write(tf.tensor2d(transpose(layer.kernel, layer.units, layer.inputs), [layer.inputs, layer.units]));
        if (layer.bias && layer.biasVariable) layer.biasVariable.write(tf.tensor1d(layer.bias));
      });
    }
  }

  /** The forward pass over `rows` samples of `x`; returns the output layer's activations. */
  private forward(x: Float32Array, rows: number): Float32Array {
    let input = x;
    this.acts = [x];
    for (const layer of this.layers) {
      const out = dense(input, rows, layer);
      activate(out, rows, layer.units, layer.activation);
      this.acts.push(out);
      input = out;
    }
    return input;
  }

  /** Class probabilities from the output (probabilities() in train/loss.ts). */
  private probabilities(out: Float32Array, rows: number, classes: number): Float32Array {
    if (this.head.outputActivation !== 'linear') return out;
    const p = Float32Array.from(out);
    activate(p, rows, classes, 'softmax');
    return p;
  }

  /** One training step on a batch; updates the weights and returns the batch's loss and hits. */
  step(x: Float32Array, labels: Int32Array, mix?: LabelMix): StepResult {
    const rows = labels.length;
    const out = this.forward(x, rows);
    const classes = this.layers[this.layers.length - 1]!.units;
    const p = this.probabilities(out, rows, classes);
    const { loss, hits, dp } = this.lossAndGradient(p, labels, classes, true, this.classWeights, mix);
    let outputSum = 0;
    for (let i = 0; i < out.length; i++) outputSum += out[i]!;
    // Through the softmax (the layer's own or probabilities()): dz = p * (dp - sum(dp * p)).
    const dz = dp!;
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let k = 0; k < classes; k++) dot += dp![r * classes + k]! * p[r * classes + k]!;
      for (let k = 0; k < classes; k++) dz[r * classes + k] = f(p[r * classes + k]! * f(dp![r * classes + k]! - dot));
    }
    this.backward(dz, rows);
    this.update();
    return { loss, hits, outputSum };
  }

  /** Mean loss and accuracy over batches, in inference mode (evaluateSource in train/stage.ts). */
  evaluate(x: Float32Array, labels: Int32Array): { lossSum: number; hits: number } {
    const rows = labels.length;
    const out = this.forward(x, rows);
    const classes = this.layers[this.layers.length - 1]!.units;
    const p = this.probabilities(out, rows, classes);
    // Without class weights, as evaluateSource in train/stage.ts (Keras's validation loss).
    const { loss, hits } = this.lossAndGradient(p, labels, classes, false, null);
    return { lossSum: loss * rows, hits };
  }

  /** stageLoss (train/loss.ts) and, when asked, its gradient with respect to the probabilities. */
  private lossAndGradient(
    p: Float32Array, labels: Int32Array, classes: number, gradient: boolean, classWeights: number[] | null, mix?: LabelMix,
  ): { loss: number; hits: number; dp: Float32Array | null } {
    const rows = labels.length;
    const smoothing = this.stage.labelSmoothing;
    const high = f(1 - EPSILON);
    const low = f(EPSILON);
    const dp = gradient ? new Float32Array(rows * classes) : null;
    let total = 0;
    let hits = 0;
    const lambda = mix ? f(mix.lambda) : 1;
    const rest = mix ? f(1 - mix.lambda) : 0;
    for (let r = 0; r < rows; r++) {
      const label = labels[r]!;
      const partner = mix ? mix.labels[r]! : label;
      // mixup / cutmix: targets λ·onehot(label) + (1 − λ)·onehot(partner), weights likewise.
      let weight = classWeights ? f(classWeights[label]!) : 1;
      if (mix && classWeights) weight = f(f(weight * lambda) + f(f(classWeights[partner]!) * rest));
      // A mixed sample counts as right when the prediction is its larger share's label.
      const truth = mix && mix.lambda < 0.5 ? partner : label;
      let sampleLoss = 0;
      let best = 0;
      for (let k = 0; k < classes; k++) {
        const value = p[r * classes + k]!;
        if (value > p[r * classes + best]!) best = k;
        const clipped = Math.min(Math.max(value, low), high);
        const onehot = mix ? f(f((k === label ? 1 : 0) * lambda) + f((k === partner ? 1 : 0) * rest)) : k === label ? 1 : 0;
        const target = smoothing > 0 ? f(f(onehot * f(1 - smoothing)) + f(smoothing / classes)) : onehot;
        sampleLoss -= target * Math.log(clipped);
        // d(mean_r weight * -sum target * log(clip(p))) / dp, zero where the clip holds p.
        if (dp && value >= low && value <= high) dp[r * classes + k] = f((-target * weight) / (clipped * rows));
      }
      if (best === truth) hits++;
      total += sampleLoss * weight;
    }
    return { loss: total / rows, hits, dp };
  }

  /** Gradients of every slot from the output's dz, back through the layers. */
  private backward(dz: Float32Array, rows: number): void {
    let slot = this.slots.length;
    let dy = dz;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      const input = this.acts[l]!;
      const { inputs, units } = layer;
      const biasSlot = layer.bias ? this.slots[--slot]! : null;
      const kernelSlot = this.slots[--slot]!;
      // dWᵀ[u, i] = sum over rows of dy[r, u] · input[r, i]; db = column sums of dy.
      const dw = kernelSlot.grad;
      const acc = new Float64Array(inputs * units);
      for (let r = 0; r < rows; r++) {
        const inRow = r * inputs;
        let u = 0;
        for (; u + 4 <= units; u += 4) {
          const d0 = dy[r * units + u]!;
          const d1 = dy[r * units + u + 1]!;
          const d2 = dy[r * units + u + 2]!;
          const d3 = dy[r * units + u + 3]!;
          const o0 = u * inputs;
          const o1 = o0 + inputs;
          const o2 = o1 + inputs;
          const o3 = o2 + inputs;
          for (let i = 0; i < inputs; i++) {
            const xi = input[inRow + i]!;
            acc[o0 + i] += d0 * xi;
            acc[o1 + i] += d1 * xi;
            acc[o2 + i] += d2 * xi;
            acc[o3 + i] += d3 * xi;
          }
        }
        for (; u < units; u++) {
          const d = dy[r * units + u]!;
          const o = u * inputs;
          for (let i = 0; i < inputs; i++) acc[o + i] += d * input[inRow + i]!;
        }
      }
      for (let i = 0; i < dw.length; i++) dw[i] = acc[i]!;
      if (biasSlot) {
        for (let u = 0; u < units; u++) {
          let sum = 0;
          for (let r = 0; r < rows; r++) sum += dy[r * units + u]!;
          biasSlot.grad[u] = sum;
        }
      }
      if (l === 0) break;
      // dx = dy Wᵀ (rows of the transposed kernel, summed), then through the previous layer's activation.
      const previous = this.layers[l - 1]!;
      const y = this.acts[l]!;
      const sums = new Float64Array(inputs);
      const dx = new Float32Array(rows * inputs);
      for (let r = 0; r < rows; r++) {
        sums.fill(0);
        for (let u = 0; u < units; u++) {
          const d = dy[r * units + u]!;
          if (d === 0) continue;
          const o = u * inputs;
          for (let i = 0; i < inputs; i++) sums[i] += d * layer.kernel[o + i]!;
        }
        for (let i = 0; i < inputs; i++) dx[r * inputs + i] = f(sums[i]! * activationSlope(previous.activation, y[r * inputs + i]!));
      }
      dy = dx;
    }
  }

  /** Keras's decoupled weight decay, then tfjs's update for the stage's optimizer (train/optimizer.ts). */
  private update(): void {
    const plan = this.stage.optimizer;
    const decay = f(this.lr * this.weightDecay);
    if (this.lr * this.weightDecay > 0) {
      for (const s of this.slots) for (let i = 0; i < s.value.length; i++) s.value[i] = f(s.value[i]! - f(s.value[i]! * decay));
    }
    const minusLr = f(-this.lr);
    if (plan.name === 'adam' || plan.name === 'adamw') {
      const beta1 = f(plan.beta1 ?? 0.9);
      const beta2 = f(plan.beta2 ?? 0.999);
      const oneMinusBeta1 = f(1 - (plan.beta1 ?? 0.9));
      const oneMinusBeta2 = f(1 - (plan.beta2 ?? 0.999));
      const epsilon = f(plan.epsilon ?? 1e-7);
      const oneMinusAcc1 = f(1 - this.accBeta1);
      const oneMinusAcc2 = f(1 - this.accBeta2);
      for (const s of this.slots) {
        const m = s.first!;
        const v = s.second!;
        for (let i = 0; i < s.value.length; i++) {
          const g = s.grad[i]!;
          const m1 = f(f(m[i]! * beta1) + f(g * oneMinusBeta1));
          const v1 = f(f(v[i]! * beta2) + f(f(g * g) * oneMinusBeta2));
          m[i] = m1;
          v[i] = v1;
          const mh = f(m1 / oneMinusAcc1);
          const vh = f(v1 / oneMinusAcc2);
          s.value[i] = f(f(f(mh / f(f(Math.sqrt(vh)) + epsilon)) * minusLr) + s.value[i]!);
        }
      }
      this.accBeta1 = f(this.accBeta1 * beta1);
      this.accBeta2 = f(this.accBeta2 * beta2);
    } else if (plan.momentum) {
      const momentum = f(plan.momentum);
      for (const s of this.slots) {
        const a = s.first!;
        for (let i = 0; i < s.value.length; i++) {
          a[i] = f(f(momentum * a[i]!) + s.grad[i]!);
          s.value[i] = f(f(minusLr * a[i]!) + s.value[i]!);
        }
      }
    } else {
      for (const s of this.slots) for (let i = 0; i < s.value.length; i++) s.value[i] = f(f(minusLr * s.grad[i]!) + s.value[i]!);
    }
    this.iterations++;
  }

  /** The optimizer's state as the tfjs optimizer gives it (StageOptimizer.state in train/optimizer.ts). */
  state(): NamedTensor[] {
    const plan = this.stage.optimizer;
    const iter = { name: 'iter', tensor: tf.scalar(this.iterations, 'int32') as tf.Tensor };
    if (plan.name === 'adam' || plan.name === 'adamw') {
      return [
        iter,
        ...this.slots.map((s) => ({ name: `${s.name}/m`, tensor: this.toTfjs(s, s.first!) })),
        ...this.slots.map((s) => ({ name: `${s.name}/v`, tensor: this.toTfjs(s, s.second!) })),
        { name: 'optimizer/accBeta1', tensor: tf.scalar(this.accBeta1) },
        { name: 'optimizer/accBeta2', tensor: tf.scalar(this.accBeta2) },
      ];
    }
    if (plan.momentum) return [iter, ...this.slots.map((s) => ({ name: `${s.name}/momentum`, tensor: this.toTfjs(s, s.first!) }))];
    return [iter];
  }

  /**
   * Continues from a state state() (or the tfjs optimizer) gave; disposes the tensors. Read by
   * position, as tfjs's setWeights does: the iteration count, then each variable's first moment
   * (or momentum accumulation), then each one's second moment; Adam's running powers by name.
   */
  restore(state: NamedTensor[]): void {
    try {
      const powers = new Map(state.filter((t) => t.name.startsWith('optimizer/')).map((t) => [t.name, t.tensor.dataSync()[0]!]));
      const [iter, ...rest] = state.filter((t) => !t.name.startsWith('optimizer/'));
      if (iter) this.iterations = iter.tensor.dataSync()[0]!;
      const firsts = this.slots.filter((s) => s.first);
      const seconds = this.slots.filter((s) => s.second);
      firsts.forEach((s, i) => rest[i] && s.first!.set(this.fromTfjs(s, rest[i]!.tensor)));
      seconds.forEach((s, i) => rest[firsts.length + i] && s.second!.set(this.fromTfjs(s, rest[firsts.length + i]!.tensor)));
      // Without the saved powers, tfjs's setWeights recomputes them as pow(beta, iterations + 1).
      const plan = this.stage.optimizer;
      this.accBeta1 = powers.get('optimizer/accBeta1') ?? f((plan.beta1 ?? 0.9) ** (this.iterations + 1));
      this.accBeta2 = powers.get('optimizer/accBeta2') ?? f((plan.beta2 ?? 0.999) ** (this.iterations + 1));
    } finally {
      state.forEach((t) => t.tensor.dispose());
    }
  }

  /** A slot's array (its value's, moment's or accumulation's) as tfjs holds it. */
  private toTfjs(slot: Slot, values: Float32Array): tf.Tensor {
    const layer = this.layers.find((l) => l.kernel === slot.value);
    return layer ? tf.tensor2d(transpose(values, layer.units, layer.inputs), [layer.inputs, layer.units]) : tf.tensor1d(values.slice());
  }

  /** A tfjs tensor's values in the slot's layout. */
  private fromTfjs(slot: Slot, tensor: tf.Tensor): Float32Array {
    const layer = this.layers.find((l) => l.kernel === slot.value);
    const values = tensor.dataSync() as Float32Array;
    return layer ? transpose(values, layer.inputs, layer.units) : values;
  }
}

/**
 * rows x units = x (rows x inputs) W + b, each value rounded to float32 as tfjs's kernels do. Four
 * units at a time: each input value is read once for four products.
 */
function dense(x: Float32Array, rows: number, layer: DenseLayer): Float32Array {
  const { inputs, units, kernel, bias } = layer;
  const out = new Float32Array(rows * units);
  for (let r = 0; r < rows; r++) {
    const inRow = r * inputs;
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const o0 = u * inputs;
      const o1 = o0 + inputs;
      const o2 = o1 + inputs;
      const o3 = o2 + inputs;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < inputs; i++) {
        const xi = x[inRow + i]!;
        s0 += xi * kernel[o0 + i]!;
        s1 += xi * kernel[o1 + i]!;
        s2 += xi * kernel[o2 + i]!;
        s3 += xi * kernel[o3 + i]!;
      }
      out[r * units + u] = s0;
      out[r * units + u + 1] = s1;
      out[r * units + u + 2] = s2;
      out[r * units + u + 3] = s3;
    }
    for (; u < units; u++) {
      const o = u * inputs;
      let sum = 0;
      for (let i = 0; i < inputs; i++) sum += x[inRow + i]! * kernel[o + i]!;
      out[r * units + u] = sum;
    }
    if (bias) for (let k = 0; k < units; k++) out[r * units + k] = f(out[r * units + k]! + bias[k]!);
  }
  return out;
}

/** A rows x columns matrix transposed (row-major in, row-major out). */
function transpose(values: ArrayLike<number>, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

function activate(values: Float32Array, rows: number, units: number, activation: Activation): void {
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      // NaN stays NaN, for the NaN guard.
      for (let i = 0; i < values.length; i++) if (values[i]! <= 0) values[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i]!));
      return;
    case 'tanh':
      for (let i = 0; i < values.length; i++) values[i] = Math.tanh(values[i]!);
      return;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let k = 0; k < units; k++) max = Math.max(max, values[r * units + k]!);
        let sum = 0;
        for (let k = 0; k < units; k++) sum += Math.exp(values[r * units + k]! - max);
        for (let k = 0; k < units; k++) values[r * units + k] = Math.exp(values[r * units + k]! - max) / sum;
      }
  }
}

/** d activation / d input, from the activation's output. */
function activationSlope(activation: Activation, y: number): number {
  switch (activation) {
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    default:
      return 1;
  }
}
