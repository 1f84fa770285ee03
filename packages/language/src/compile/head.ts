// `head …` lowered to named layers. The shorthand `dense 256 -> 2` is global average pooling,
// one relu dense layer per hidden size and an output layer whose activation is the one written
// after the last size (`256 -> 5 sigmoid`), else follows from its size (1: sigmoid, more: softmax). In the block form a dense layer without an activation is
// relu, except the last one, which follows the same output rule. Layers are named
// head_<type>_<n>, counting each type from 1, so they never clash with backbone layer names.
// A block-form `dense` before any `pool` or `flatten` is an error (TL3007): it would apply to
// every position of the backbone's feature map instead of to the image.
import type { HeadLayer, HeadStatement } from '../ast/nodes';
import type { Activation, HeadLayerPlan, HeadPlan } from '@tlc/plan';
import { compileMessages } from './messages';
import { CompileProblem } from './problem';

type Unnamed = HeadLayerPlan extends infer L ? (L extends HeadLayerPlan ? Omit<L, 'name'> : never) : never;

export function outputActivationFor(units: number): 'sigmoid' | 'softmax' {
  return units === 1 ? 'sigmoid' : 'softmax';
}

export function lowerHead(statement: HeadStatement): HeadPlan {
  const unnamed = statement.form === 'shorthand' ? expandShorthand(statement) : statement.layers.map(lowerBlockLayer(statement.layers));
  const counts = new Map<string, number>();
  const layers = unnamed.map((layer) => {
    const n = (counts.get(layer.type) ?? 0) + 1;
    counts.set(layer.type, n);
    return { ...layer, name: `head_${layer.type}_${n}` } as HeadLayerPlan;
  });
  // The checker guarantees the head ends with a dense layer.
  const output = layers[layers.length - 1] as Extract<HeadLayerPlan, { type: 'dense' }>;
  return {
    layers,
    outputUnits: output.units,
    outputActivation: output.activation === 'softmax' || output.activation === 'sigmoid' ? output.activation : 'linear',
  };
}

function expandShorthand(statement: HeadStatement): Unnamed[] {
  const sizes = statement.sizes.map((s) => s.value);
  const last = sizes.length - 1;
  return [
    { type: 'pool', pool: 'avg' },
    ...sizes.map((units, i): Unnamed => ({
      type: 'dense',
      units,
      activation: i === last ? ((statement.activation?.name as Activation | undefined) ?? outputActivationFor(units)) : 'relu',
    })),
  ];
}

function lowerBlockLayer(all: readonly HeadLayer[]) {
  const lastDense = all.findLastIndex((l) => l.kind === 'Dense');
  const firstDense = all.findIndex((l) => l.kind === 'Dense');
  const firstVector = all.findIndex((l) => l.kind === 'Pool' || l.kind === 'Flatten');
  if (firstDense >= 0 && (firstVector < 0 || firstVector > firstDense)) {
    throw new CompileProblem(compileMessages.denseBeforePooling(all[firstDense].span));
  }
  return (layer: HeadLayer, index: number): Unnamed => {
    switch (layer.kind) {
      case 'Pool':
        return { type: 'pool', pool: layer.type?.name === 'max' ? 'max' : 'avg' };
      case 'Flatten':
        return { type: 'flatten' };
      case 'Dropout':
        return { type: 'dropout', rate: layer.rate?.value ?? 0 };
      case 'BatchNorm':
        return { type: 'batchnorm' };
      case 'Dense': {
        const units = layer.units?.value ?? 0;
        const fallback = index === lastDense ? outputActivationFor(units) : 'relu';
        return { type: 'dense', units, activation: (layer.activation?.name ?? fallback) as Activation };
      }
    }
  };
}
