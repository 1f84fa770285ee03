// Makes the small Fashion-MNIST subset the examples ship (examples/data/fashion/) from Debian's
// `dataset-fashion-mnist` package (apt-get install dataset-fashion-mnist). Run by hand, not by CI:
//   npx tsx packages/runtime/scripts/make-fashion-subset.ts [/usr/share/datasets/fashion-mnist]
// It takes the first N images of a few visually distinct classes, in file order, so the subset is
// the same every time: train/<class>/ from the training set, test/<class>/ and new/ (unlabelled
// images for `tlc predict`) from the test set; and, for transfer learning, base/<class>/ with
// six other classes to pretrain a backbone on.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';

const SOURCE = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const OUT = resolve(import.meta.dirname, '../../../examples/data/fashion');
/** Fashion-MNIST label index -> folder name, for the classes the subset keeps. */
const CLASSES: Record<number, string> = { 0: 'tshirt', 1: 'trouser', 7: 'sneaker', 8: 'bag' };
/** The other classes, for pretraining a backbone (examples/fashion-base.tl). */
const BASE_CLASSES: Record<number, string> = { 2: 'pullover', 3: 'dress', 4: 'coat', 5: 'sandal', 6: 'shirt', 9: 'ankle-boot' };
const TRAIN_PER_CLASS = 500;
const BASE_PER_CLASS = 200;
const TEST_PER_CLASS = 30;
const NEW_PER_CLASS = 3;

interface Idx {
  count: number;
  images: Buffer;
  labels: Buffer;
}

/** Reads an idx3 image file and its idx1 label file (big-endian headers, 28x28 uint8 pixels). */
function readIdx(images: string, labels: string): Idx {
  const img = gunzipSync(readFileSync(join(SOURCE, images)));
  const lab = gunzipSync(readFileSync(join(SOURCE, labels)));
  if (img.readUInt32BE(0) !== 2051 || lab.readUInt32BE(0) !== 2049) throw new Error('not an idx file');
  return { count: img.readUInt32BE(4), images: img.subarray(16), labels: lab.subarray(8) };
}

async function writePng(idx: Idx, i: number, file: string): Promise<void> {
  const pixels = idx.images.subarray(i * 784, (i + 1) * 784);
  await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(file);
}

/** Writes the first `perClass` images of each kept class; returns the indices used. */
async function writeSplit(
  idx: Idx,
  perClass: number,
  skip: Record<number, number>,
  place: (name: string, n: number) => string,
  classes: Record<number, string> = CLASSES,
) {
  const taken: Record<number, number> = {};
  const seen: Record<number, number> = {};
  for (let i = 0; i < idx.count; i++) {
    const label = idx.labels[i];
    const name = classes[label];
    if (name === undefined) continue;
    seen[label] = (seen[label] ?? 0) + 1;
    if (seen[label] <= (skip[label] ?? 0)) continue;
    const n = taken[label] ?? 0;
    if (n >= perClass) continue;
    taken[label] = n + 1;
    await writePng(idx, i, place(name, n));
  }
}

for (const part of ['train', 'test', 'new', 'base']) rmSync(join(OUT, part), { recursive: true, force: true });
const train = readIdx('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz');
const test = readIdx('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');
for (const name of Object.values(CLASSES)) {
  mkdirSync(join(OUT, 'train', name), { recursive: true });
  mkdirSync(join(OUT, 'test', name), { recursive: true });
}
mkdirSync(join(OUT, 'new'), { recursive: true });
for (const name of Object.values(BASE_CLASSES)) mkdirSync(join(OUT, 'base', name), { recursive: true });
const pad = (n: number) => String(n).padStart(3, '0');
await writeSplit(train, TRAIN_PER_CLASS, {}, (name, n) => join(OUT, 'train', name, `${name}-${pad(n)}.png`));
await writeSplit(test, TEST_PER_CLASS, {}, (name, n) => join(OUT, 'test', name, `${name}-${pad(n)}.png`));
const skipTest = Object.fromEntries(Object.keys(CLASSES).map((k) => [Number(k), TEST_PER_CLASS]));
await writeSplit(test, NEW_PER_CLASS, skipTest, (name, n) => join(OUT, 'new', `${name}-${n + 1}.png`));
await writeSplit(train, BASE_PER_CLASS, {}, (name, n) => join(OUT, 'base', name, `${name}-${pad(n)}.png`), BASE_CLASSES);
console.log(`wrote ${OUT}`);
