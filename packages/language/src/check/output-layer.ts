// The head's output layer as the rules read it: the block form's last `dense`, or the short
// form's last size with the activation written after it (`head dense 256 -> 5 sigmoid`; none
// written: the activation follows from the size when compiled).
import type { HeadStatement, Identifier, NumberLiteral } from '../ast/nodes';

export interface OutputLayer {
  units?: NumberLiteral;
  activation?: Identifier;
}

export function outputLayer(head: HeadStatement | undefined): OutputLayer | undefined {
  if (!head) return undefined;
  if (head.form === 'shorthand') return head.sizes.length > 0 ? { units: head.sizes[head.sizes.length - 1], activation: head.activation } : undefined;
  const last = head.layers[head.layers.length - 1];
  return last?.kind === 'Dense' ? last : undefined;
}
