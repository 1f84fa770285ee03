// What the multi-label rules read: whether the head is a sigmoid over several classes (each
// class its own yes/no question, trained with binary cross-entropy) and the data's `labels` file.
import type { DataStatement, HeadStatement, LabelsSetting } from '../ast/nodes';
import { outputLayer } from './output-layer';

/** The head ends with `dense N sigmoid`, N > 1 (block form, or `head dense … -> N sigmoid`). */
export function isMultiLabelHead(head: HeadStatement | undefined): boolean {
  const last = outputLayer(head);
  return last?.activation?.name === 'sigmoid' && (last.units?.value ?? 0) > 1;
}

/** `labels "FILE"` in the data block. */
export function labelsSetting(data: DataStatement | undefined): LabelsSetting | undefined {
  return data?.settings.find((s): s is LabelsSetting => s.kind === 'Labels');
}
