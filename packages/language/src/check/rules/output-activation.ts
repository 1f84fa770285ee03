// TL2023 (warning): the output layer's activation does not fit its size: sigmoid is for one
// unit (two classes), softmax for two or more.
import { at, messages } from '../../diagnostics/catalog';
import type { Rule } from './types';

export const outputActivationRule: Rule = ({ head }) => {
  const last = head?.form === 'block' ? head.layers[head.layers.length - 1] : undefined;
  if (last?.kind !== 'Dense' || !last.activation || !last.units) return [];
  const units = last.units.value;
  const activation = last.activation.name;
  if (activation === 'sigmoid' && units > 1) return [at(messages.activationMismatch(activation, units, 'softmax'), last.activation.span)];
  if (activation === 'softmax' && units === 1) return [at(messages.activationMismatch(activation, units, 'sigmoid'), last.activation.span)];
  return [];
};
