// Holding out a validation set from one folder (`validation N% seed S`): stratified, so each
// class keeps its proportion, and seeded, so the same seed picks the same files every run.
// Per class, round(fraction x count) images go to validation, at least one when the class has
// two or more and never all of them; a class with a single image stays in training (warned).
import { createRng, STREAMS } from '../random';
import { RunError, runtimeMessages } from '../messages';
import type { ImageItem } from './scan';

export interface ValidationSplit {
  training: ImageItem[];
  validation: ImageItem[];
  warnings: string[];
}

export function splitValidation(items: readonly ImageItem[], fraction: number, seed: number): ValidationSplit {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RunError(runtimeMessages.validationFraction(fraction));
  }
  const byLabel = new Map<number, number[]>();
  items.forEach((item, index) => {
    const group = byLabel.get(item.label) ?? [];
    group.push(index);
    byLabel.set(item.label, group);
  });
  const held = new Set<number>();
  const warnings: string[] = [];
  for (const [label, group] of byLabel) {
    const count = group.length;
    const wanted = Math.min(count - 1, Math.max(count >= 2 ? 1 : 0, Math.round(fraction * count)));
    if (wanted === 0) warnings.push(`class ${items[group[0]!]!.className} has a single image: it stays in training and the validation set has none of it`);
    const order = createRng(seed, STREAMS.validationSplit, label).shuffle([...group]);
    for (const index of order.slice(0, wanted)) held.add(index);
  }
  if (held.size === 0) {
    throw new RunError(runtimeMessages.tooFewToSplit(items.length));
  }
  return {
    training: items.filter((_, index) => !held.has(index)),
    validation: items.filter((_, index) => held.has(index)),
    warnings,
  };
}
