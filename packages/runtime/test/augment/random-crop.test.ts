// `random crop` (torchvision's RandomResizedCrop): the window draw (bounds, area and ratio ranges,
// the centred fallback, seeded by (seed, epoch, image)), the antialiased resize, windows cut from
// the larger training decode of a real PNG (1-pixel stripes that a model-size decode averages to
// grey, so a zoomed model-size image could not show them), validation left at the model's size,
// the pixel cache keyed by the source size, streaming, a stage resumed after 2 of 4 epochs equal to
// the uninterrupted one, and a real pipeline run (MobileNet alpha 0.25, 32 px) trained twice alike.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { AugmentPlan, DataPlan, HeadPlan } from '@tlc/plan';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropWindowOf, drawCropWindow, randomCropSourceSize, resizeWindow } from '../../src/augment/crop';
import { ImageDataset } from '../../src/data/dataset';
import { loadData } from '../../src/data/load';
import type { FeatureSource } from '../../src/features/source';
import { RunLog, runPlan } from '../../src/index';
import { createRng } from '../../src/random';
import { pixelSource } from '../../src/run/pixels';
import { trainThenResume } from '../train/resume-after';
import { makePlan, stage, tempDir, writeImageFolder } from '../run/fixtures';

const NONE: AugmentPlan = {
  rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, channelShift: 0, fill: { mode: 'nearest', value: 0 },
  horizontalFlip: false, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed: 9,
};
const CROP = { scale: [0.35, 1] as [number, number], ratio: [3 / 4, 4 / 3] as [number, number] };

describe('the window', () => {
  it('covers a share of the area in the scale range, its ratio in the ratio range, inside the image', () => {
    const rng = createRng(3);
    for (let i = 0; i < 500; i++) {
      const w = drawCropWindow(rng, 60, 80, CROP);
      expect(w.top).toBeGreaterThanOrEqual(0);
      expect(w.left).toBeGreaterThanOrEqual(0);
      expect(w.top + w.height).toBeLessThanOrEqual(60);
      expect(w.left + w.width).toBeLessThanOrEqual(80);
      // Sides are rounded: allow one pixel either way.
      expect((w.height + 1) * (w.width + 1)).toBeGreaterThanOrEqual(0.35 * 4800);
      expect((w.width + 1) / Math.max(w.height - 1, 1)).toBeGreaterThanOrEqual(3 / 4);
      expect((w.width - 1) / (w.height + 1)).toBeLessThanOrEqual(4 / 3);
    }
  });

  it('falls back to the centred window, its ratio clamped, when 10 attempts do not fit (torchvision)', () => {
    // The whole area at ratio 2..3 never fits a square: the centred 40x20 window.
    expect(drawCropWindow(createRng(1), 40, 40, { scale: [1, 1], ratio: [2, 3] })).toEqual({ top: 10, left: 0, height: 20, width: 40 });
    expect(drawCropWindow(createRng(1), 40, 40, { scale: [1, 1], ratio: [1 / 3, 1 / 2] })).toEqual({ top: 0, left: 10, height: 40, width: 20 });
  });

  it('is drawn from (seed, epoch, image): the same again, another for another image, epoch or seed', () => {
    const at = (seed: number, epoch: number, index: number) => cropWindowOf(CROP, seed, { height: 54, width: 54 }, { epoch, index });
    expect(at(1, 2, 3)).toEqual(at(1, 2, 3));
    const others = [at(1, 2, 4), at(1, 3, 3), at(2, 2, 3)];
    for (const other of others) expect(other).not.toEqual(at(1, 2, 3));
  });

  it('source size: the model size x min(2, 1/sqrt(scale LO)), rounded', () => {
    expect(randomCropSourceSize([32, 32], CROP)).toEqual([54, 54]);
    expect(randomCropSourceSize([32, 48], { scale: [0.08, 1], ratio: [1, 1] })).toEqual([64, 96]);
    expect(randomCropSourceSize([32, 32], { scale: [1, 1], ratio: [1, 1] })).toEqual([32, 32]);
  });
});

describe('the resize', () => {
  const shape = { height: 4, width: 6, channels: 3 };
  const pixels = Uint8Array.from({ length: 72 }, (_, i) => (i * 37) % 256);

  it('copies a window of the target size exactly', () => {
    const out = resizeWindow(pixels, shape, { top: 1, left: 2, height: 2, width: 3 }, { height: 2, width: 3 });
    const expected = [1, 2].flatMap((r) => Array.from(pixels.subarray((r * 6 + 2) * 3, (r * 6 + 5) * 3)));
    expect(Array.from(out)).toEqual(expected);
  });

  it('averages when it shrinks (antialiased, as PIL): stripes of period 2 halved become flat', () => {
    const stripes = Uint8Array.from({ length: 8 * 8 }, (_, i) => (i % 2 === 0 ? 0 : 255));
    const out = resizeWindow(stripes, { height: 8, width: 8, channels: 1 }, { top: 0, left: 0, height: 8, width: 8 }, { height: 4, width: 4 });
    // Inside (the edges renormalise a clipped filter).
    for (const r of [0, 1, 2, 3]) for (const c of [1, 2]) expect(out[r * 4 + c]).toBeCloseTo(127.5, 3);
  });
});

/** A 64x64 PNG of 1-pixel vertical stripes (0 and 255): detail a 32x32 decode averages away. */
async function stripesFolder(root: string, perClass: number): Promise<void> {
  for (const name of ['a', 'b']) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const raw = Uint8Array.from({ length: 64 * 64 * 3 }, (_, k) => (Math.floor(k / 3) % 2 === (name === 'a' ? 0 : 1) ? 255 : 0));
      await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(join(root, name, `${i}.png`));
    }
  }
}

/** Largest difference between neighbouring columns, over the image: 255 for intact stripes, ~0 for grey. */
function stripeContrast(image: Float32Array | Uint8Array, height: number, width: number): number {
  let most = 0;
  for (let r = 0; r < height; r++) for (let c = 1; c < width; c++) most = Math.max(most, Math.abs(image[(r * width + c) * 3]! - image[(r * width + c - 1) * 3]!));
  return most;
}

describe('windows from the larger decode', () => {
  let base: string;
  // scale 0.25..0.25, ratio 1: source 64x64 (factor 2), every window 32x32 source pixels: no resampling.
  const crop = { scale: [0.25, 0.25] as [number, number], ratio: [1, 1] as [number, number] };
  const plan = (augment: AugmentPlan | null): DataPlan => ({
    directory: 'train', imageSize: [32, 32], colorMode: 'rgb', resize: 'stretch', validation: { mode: 'split', fraction: 0.25, seed: 4 },
    batchSize: 3, shuffle: true, seed: 1, onBadImage: 'fail', maxPixels: 1_000_000, augment, labels: null,
  });
  beforeAll(async () => {
    base = tempDir('random-crop');
    await stripesFolder(join(base, 'train'), 4);
  });

  const firstBatch = async (dataset: ImageDataset, augment: AugmentPlan | null, epoch = 1) => {
    for await (const batch of dataset.batchesAhead(epoch, { batchSize: 3, shuffle: true, seed: 1, augment })) return batch;
    throw new Error('no batch');
  };

  it('cuts the stripes a model-size decode loses; validation stays at the model size', async () => {
    const augment = { ...NONE, randomCrop: crop };
    const loaded = await loadData(plan(augment), base);
    const training = loaded.training;
    expect(training.storedShape).toEqual({ height: 64, width: 64, channels: 3 });
    expect(training.shape).toEqual({ height: 32, width: 32, channels: 3 });
    expect(loaded.validation!.storedShape).toEqual(loaded.validation!.shape);
    expect(loaded.validation!.shape).toEqual({ height: 32, width: 32, channels: 3 });
    const cropped = await firstBatch(training, augment);
    expect(cropped.x.length).toBe(3 * 32 * 32 * 3);
    for (let i = 0; i < cropped.size; i++) expect(stripeContrast(cropped.x.subarray(i * 3072, (i + 1) * 3072), 32, 32)).toBe(255);
    // The validation images (model size) are grey: the stripes averaged away…
    expect(stripeContrast(loaded.validation!.image(0), 32, 32)).toBeLessThan(40);
    // …and so is a window cut from a model-size decode and enlarged (a zoom): what the larger decode avoids.
    const plain = await loadData(plan(null), base);
    const zoomed = await firstBatch(plain.training, augment);
    expect(stripeContrast(zoomed.x.subarray(0, 3072), 32, 32)).toBeLessThan(40);
    // Unaugmented, a training image is the whole source resized to the model size.
    const whole = await firstBatch(training, null);
    expect(stripeContrast(whole.x.subarray(0, 3072), 32, 32)).toBeLessThan(40);
  });

  it('each epoch its own windows, the same on a second load, whatever the batch size', async () => {
    const augment = { ...NONE, randomCrop: CROP };
    const a = (await loadData(plan(augment), base)).training;
    const b = (await loadData(plan(augment), base)).training;
    const one = await firstBatch(a, augment, 2);
    expect(Array.from((await firstBatch(b, augment, 2)).x)).toEqual(Array.from(one.x));
    expect(Array.from((await firstBatch(a, augment, 3)).x)).not.toEqual(Array.from(one.x));
    // Image i's window depends on (seed, epoch, i) alone: batch size 1 gives the same pixels.
    const single = a.batches(2, { batchSize: 1, shuffle: true, seed: 1, augment }).next().value!;
    expect(Array.from(single.x)).toEqual(Array.from(one.x.subarray(0, 3072)));
  });

  it('streams from the pixel cache, keyed by the source size: training 64x64, validation 32x32', async () => {
    const augment = { ...NONE, randomCrop: crop, horizontalFlip: true };
    const cache = tempDir('random-crop-cache');
    const inMemory = await loadData(plan(augment), base);
    const streamed = await loadData(plan(augment), base, { memoryShare: 1e-12, pixelCacheDir: cache });
    expect(streamed.training.bytesInMemory).toBe(0);
    const sizes = readdirSync(cache).map((entry) => JSON.parse(readFileSync(join(cache, entry, 'index.json'), 'utf8')) as { decode: { height: number }; count: number });
    expect(sizes.map((s) => [s.decode.height, s.count]).sort()).toEqual([[32, 2], [64, 6]]);
    expect(Array.from((await firstBatch(streamed.training, augment)).x)).toEqual(Array.from((await firstBatch(inMemory.training, augment)).x));
    // Without random crop the same files at the model size: another entry, the cropped ones kept.
    await loadData(plan(null), base, { memoryShare: 1e-12, pixelCacheDir: cache });
    expect(readdirSync(cache)).toHaveLength(3);
    await Promise.all([streamed.training.close(), streamed.validation!.close()]);
    expect(existsSync(cache)).toBe(true);
  });
});

describe('training', () => {
  it('a stage resumed after 2 of 4 epochs crops as the uninterrupted one', async () => {
    const images = Array.from({ length: 12 }, (_, i) => Uint8Array.from({ length: 8 * 12 * 3 }, (_, k) => (k * (i + 3) * 7) % 256));
    const dataset = new ImageDataset({
      classes: ['a', 'b', 'c'], shape: { height: 4, width: 6, channels: 3 }, stored: { height: 8, width: 12, channels: 3 },
      images, labels: images.map((_, i) => i % 3), files: images.map((_, i) => `${i}.png`),
    });
    const augment = { ...NONE, randomCrop: CROP, seed: 5 };
    const pixels = pixelSource(dataset, { batchSize: 4, shuffle: true, seed: 5, augment });
    const source: FeatureSource = {
      size: 12,
      async *batches(epoch) {
        for await (const b of pixels.batches(epoch)) {
          yield { x: tf.div(b.pixels, 255), labels: b.labels, indices: b.indices };
          b.pixels.dispose();
        }
      },
    };
    const head: HeadPlan = { layers: [], outputUnits: 3, outputActivation: 'softmax' };
    const model = () => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 6, 3] }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' })] });
    const stagePlan = stage({ epochs: 4, optimizer: { name: 'adam', learningRate: 0.01, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null } });
    const whole = model();
    const again = model();
    const { uninterrupted, resumed } = await trainThenResume(whole, again, { head, stage: stagePlan, train: source, validation: null, classWeights: null, batchSize: 4 });
    expect(resumed.epochs.map((r) => r.loss)).toEqual(uninterrupted.epochs.slice(2).map((r) => r.loss));
    [whole, again].forEach((m) => m.dispose());
  });

  it('a pipeline run (MobileNet alpha 0.25, 32 px) trains with it, the same way twice', async () => {
    const base = tempDir('random-crop-run');
    await writeImageFolder(join(base, 'data'), 6);
    const records = async (name: string) => {
      const plan = makePlan({ stages: [stage({ epochs: 2 })], evaluate: null });
      plan.data!.augment = { ...NONE, randomCrop: CROP, horizontalFlip: true, seed: 3 };
      const out = join(base, name);
      await runPlan(plan, { baseDir: base, out, log: new RunLog({ quiet: true }) });
      return JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')).records as { loss: number; val_loss: number }[];
    };
    const once = await records('one');
    expect(once).toHaveLength(2);
    for (const r of once) expect(Number.isFinite(r.loss) && Number.isFinite(r.val_loss)).toBe(true);
    expect((await records('two')).map((r) => r.loss)).toEqual(once.map((r) => r.loss));
  });
});
