// TL2039: `freeze until layer N` / `unfreeze from layer N` with an N the backbone does not have:
// layers[:N] needs 1 ≤ N ≤ the layer count, layers[N:] needs 0 ≤ N < the count, N whole.
// Silent when the model's layer list is unknown.
import { at, messages } from '../../diagnostics/catalog';
import { layerIndexFits } from '../context';
import { namedPoints } from './points';
import type { Rule } from './types';

export const layerIndexBeyondModelRule: Rule = (context) =>
  namedPoints(context).flatMap(({ clause, ref }) => {
    if (ref.kind !== 'LayerIndex' || clause === 'cut after' || clause === 'lr for' || !ref.index || !context.model) return [];
    if (layerIndexFits(context, ref, clause) !== false) return [];
    return [at(messages.layerIndexBeyondModel(clause, ref.index.raw, context.model.name, context.layers!.length), ref.span)];
  });
