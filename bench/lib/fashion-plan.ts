// The plans the data-path benchmarks run, compiled from tlc source as a user writes it, on the
// Fashion-MNIST subset in examples/data/fashion/train at 96x96 RGB. The backbone's weights are
// switched to `none` after compiling (random filters run exactly as fast as ImageNet's, and
// nothing is downloaded); `freeze` is kept, which the language refuses with `weights none`.
import { fileURLToPath } from 'node:url';
import { compile } from '@tlc/language';
import type { Plan } from '@tlc/plan';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
export const BATCH = 32;

/** MobileNetV2 (`alpha`) at 96x96 RGB on the Fashion subset, `freeze` as written, a dense head, `epochs`. */
export function fashionPlan(options: { alpha: number; freeze: string; epochs: number }): Plan {
  const source = `pipeline "bench"
data "data/fashion/train" {
  image 96x96 rgb
  batch ${BATCH}
}
use MobileNetV2 alpha ${options.alpha} weights imagenet freeze ${options.freeze}
preprocess native
head dense 4
train {
  epochs ${options.epochs}
  optimizer adam lr 1e-3
}
`;
  const { plan, diagnostics } = compile(source);
  if (!plan) throw new Error(`benchmark plan does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return {
    ...plan,
    model: { ...plan.model, weights: { source: 'none' } },
    data: { ...plan.data!, validation: { mode: 'none' } },
  };
}
