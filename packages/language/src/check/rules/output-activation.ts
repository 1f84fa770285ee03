// TL2023 (warning): the output layer's activation does not fit its size: sigmoid is for one
// unit (two classes), softmax for two or more, unless the data gives each image its labels in a
// `labels` file: a sigmoid over several classes is then the multi-label head.
import { at, messages } from '../../diagnostics/catalog';
import { labelsSetting } from '../multi-label';
import { outputLayer } from '../output-layer';
import { mayHaveMeant } from '../settled';
import type { Rule } from './types';

export const outputActivationRule: Rule = ({ head, data }) => {
  const last = outputLayer(head);
  if (!last?.activation || !last.units) return [];
  const units = last.units.value;
  const activation = last.activation.name;
  // A `data` block with a syntax error may have meant its `labels` (settled.ts): no guess then.
  if (activation === 'sigmoid' && units > 1 && !labelsSetting(data) && !mayHaveMeant(data, 'Labels')) return [at(messages.activationMismatch(activation, units, 'softmax'), last.activation.span)];
  if (activation === 'softmax' && units === 1) return [at(messages.activationMismatch(activation, units, 'sigmoid'), last.activation.span)];
  return [];
};
