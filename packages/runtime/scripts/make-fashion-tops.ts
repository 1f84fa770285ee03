// Makes examples/data/fashion/tops/, the two-class folder of the fine-tuning and grayscale
// examples, from images the repository already ships: shirts (all 200 of base/shirt/) against
// t-shirts (the first 300 of train/tshirt/), copied byte for byte. Two similar classes, a little
// unbalanced, like the cats-vs-dogs folders of Keras's tutorials. Deterministic; run by hand:
//   npx tsx packages/runtime/scripts/make-fashion-tops.ts
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FASHION = resolve(import.meta.dirname, '../../../examples/data/fashion');
const OUT = join(FASHION, 'tops');
/** Class folder -> where its images come from and how many to take (in file-name order). */
const CLASSES: Record<string, { from: string; count: number }> = {
  shirt: { from: 'base/shirt', count: 200 },
  tshirt: { from: 'train/tshirt', count: 300 },
};

rmSync(OUT, { recursive: true, force: true });
for (const [name, { from, count }] of Object.entries(CLASSES)) {
  const source = join(FASHION, from);
  const files = readdirSync(source).filter((f) => f.endsWith('.png')).sort().slice(0, count);
  if (files.length < count) throw new Error(`${source} has ${files.length} images, ${count} needed`);
  mkdirSync(join(OUT, name), { recursive: true });
  for (const file of files) copyFileSync(join(source, file), join(OUT, name, file));
}
console.log(`wrote ${OUT}`);
