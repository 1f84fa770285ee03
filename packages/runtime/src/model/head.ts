// The classifier head from plan.head: tfjs-layers applied to the backbone's output, named as the
// plan names them so weights save and load by name.
import * as tf from '@tensorflow/tfjs';
import type { HeadLayerPlan, HeadPlan } from '@tlc/plan';
import { Dense, Dropout } from '@tlc/zoo';

type DenseActivation = NonNullable<ConstructorParameters<typeof Dense>[0]['activation']>;

/** tfjs activation identifiers for the plan's activation names. */
const ACTIVATIONS: Record<string, string> = {
  relu: 'relu', gelu: 'gelu', swish: 'swish', elu: 'elu', selu: 'selu',
  tanh: 'tanh', sigmoid: 'sigmoid', softmax: 'softmax', linear: 'linear',
};

function headLayer(plan: HeadLayerPlan): tf.layers.Layer {
  switch (plan.type) {
    case 'pool':
      return plan.pool === 'avg'
        ? tf.layers.globalAveragePooling2d({ name: plan.name })
        : tf.layers.globalMaxPooling2d({ name: plan.name });
    case 'flatten':
      return tf.layers.flatten({ name: plan.name });
    case 'dropout':
      return new Dropout({ rate: plan.rate, name: plan.name });
    case 'batchnorm':
      return tf.layers.batchNormalization({ name: plan.name });
    case 'dense':
      return new Dense({
        units: plan.units,
        activation: ACTIVATIONS[plan.activation] as DenseActivation,
        name: plan.name,
      });
  }
}

/** Applies the head's layers to the backbone's output tensor; returns the model's output. */
export function applyHead(features: tf.SymbolicTensor, head: HeadPlan): tf.SymbolicTensor {
  let x = features;
  for (const layer of head.layers) x = headLayer(layer).apply(x) as tf.SymbolicTensor;
  return x;
}
