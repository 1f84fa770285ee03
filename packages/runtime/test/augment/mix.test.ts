// mixup and cutmix: the Beta draw, the pixel formulas on two real PNGs decoded through sharp
// (mixup x·λ + partner·(1 − λ); cutmix the partner's box pasted, λ the area kept), the loss
// against mixed targets written out by hand, seeded reproducibility per (seed, epoch, batch), a
// stage resumed after 2 of 4 epochs training exactly as the uninterrupted one, and a real run of
// the pipeline with both on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { AugmentPlan, HeadPlan } from '@tlc/plan';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyMix, drawMix, sampleBeta } from '../../src/augment/mix';
import { ImageDataset } from '../../src/data/dataset';
import type { FeatureSource } from '../../src/features/source';
import { RunLog, runPlan, selectBackend } from '../../src/index';
import { createRng } from '../../src/random';
import { pixelSource } from '../../src/run/pixels';
import { stageLoss } from '../../src/train/loss';
import { runStage } from '../../src/train/stage';
import { trainThenResume } from '../train/resume-after';
import { makePlan, stage, tempDir, writeImageFolder } from '../run/fixtures';

const NONE: AugmentPlan = {
  rotation: 0, zoom: [1, 1], shear: 0, shiftWidth: 0, shiftHeight: 0, channelShift: 0, fill: { mode: 'nearest', value: 0 },
  horizontalFlip: false, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed: 9,
};
const shape = { height: 4, width: 6, channels: 3 };

/** Two 6x4 PNGs through sharp: a horizontal ramp and a vertical one. */
async function twoImages(): Promise<Uint8Array[]> {
  const make = async (value: (r: number, c: number, ch: number) => number) => {
    const raw = Uint8Array.from({ length: 72 }, (_, i) => value(Math.floor(i / 18), Math.floor(i / 3) % 6, i % 3));
    const png = await sharp(raw, { raw: { width: 6, height: 4, channels: 3 } }).png().toBuffer();
    return new Uint8Array(await sharp(png).raw().toBuffer());
  };
  return [await make((_r, c, ch) => 20 * c + ch), await make((r, _c, ch) => 200 - 40 * r - ch)];
}

describe('the draw', () => {
  it('Beta(α, α): mean 1/2, and for α = 0.2 mostly near 0 or 1 (variance 1 / (4 (2α + 1)))', () => {
    const rng = createRng(1);
    for (const alpha of [0.2, 1, 4]) {
      const draws = Array.from({ length: 4000 }, () => sampleBeta(rng, alpha, alpha));
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThanOrEqual(1);
      expect(mean).toBeCloseTo(0.5, 1);
      expect(variance).toBeCloseTo(1 / (4 * (2 * alpha + 1)), 1);
    }
  });

  it('is the same for the same (seed, epoch, batch) and differs for another batch or epoch', () => {
    const plan = { ...NONE, mixup: 0.4, cutmix: 1 };
    const a = drawMix(plan, 3, 2, 8, shape);
    expect(drawMix(plan, 3, 2, 8, shape)).toEqual(a);
    expect(drawMix(plan, 3, 3, 8, shape)).not.toEqual(a);
    expect(drawMix(plan, 4, 2, 8, shape)).not.toEqual(a);
    expect(drawMix(NONE, 3, 2, 8, shape)).toBeNull();
    // Both on: each batch picks one, about half and half.
    const kinds = Array.from({ length: 400 }, (_, b) => drawMix(plan, 1, b + 1, 8, shape)!.kind);
    const cut = kinds.filter((k) => k === 'cutmix').length;
    expect(cut).toBeGreaterThan(150);
    expect(cut).toBeLessThan(250);
    const partners = Array.from(a!.partners).sort();
    expect(partners).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('the pixels', () => {
  let images: Uint8Array[];
  beforeAll(async () => {
    images = await twoImages();
  });

  it('mixup blends each image with its partner: x·λ + partner·(1 − λ)', () => {
    const x = Float32Array.from([...images[0]!, ...images[1]!]);
    applyMix(x, 2, shape, { kind: 'mixup', lambda: 0.7, partners: Int32Array.from([1, 0]) });
    const f32 = (v: number) => Math.fround(v);
    expect(Array.from(x.subarray(0, 72))).toEqual(Array.from(images[0]!, (v, i) => f32(0.7 * v + 0.3 * images[1]![i]!)));
    expect(Array.from(x.subarray(72))).toEqual(Array.from(images[1]!, (v, i) => f32(0.7 * v + 0.3 * images[0]![i]!)));
  });

  it('cutmix pastes the partner inside the box, √(1 − λ) of each side about a random centre, and λ is the area kept', () => {
    const plan = { ...NONE, cutmix: 1 };
    // Find a draw whose box is neither empty nor the whole image.
    let batch = 1;
    let mix = drawMix(plan, 1, batch, 2, shape)!;
    while (mix.lambda === 1 || mix.lambda === 0 || mix.partners[0] === 0) mix = drawMix(plan, 1, ++batch, 2, shape)!;
    const { top, bottom, left, right } = mix.box!;
    expect(mix.lambda).toBeCloseTo(1 - ((bottom - top) * (right - left)) / 24, 12);
    const x = Float32Array.from([...images[0]!, ...images[1]!]);
    applyMix(x, 2, shape, mix);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 6; c++) {
        const inBox = r >= top && r < bottom && c >= left && c < right;
        const at = (r * 6 + c) * 3;
        expect(Array.from(x.subarray(at, at + 3)), `(${r}, ${c})`).toEqual(Array.from((inBox ? images[1]! : images[0]!).subarray(at, at + 3)));
      }
    }
  });
});

describe('the loss against mixed targets', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const head: HeadPlan = { layers: [{ type: 'dense', units: 3, activation: 'softmax', name: 'out' }], outputUnits: 3, outputActivation: 'softmax' };

  it('is −Σ (λ·y + (1 − λ)·y′) log p, class weights mixed by λ too', () => {
    const p = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]];
    const l = 0.8;
    const want = (-(l * Math.log(0.7) + (1 - l) * Math.log(0.1)) - (l * Math.log(0.6) + (1 - l) * Math.log(0.1))) / 2;
    const loss = (weights: number[] | null) =>
      tf.tidy(() =>
        stageLoss(tf.tensor2d(p), tf.tensor1d([0, 2], 'int32'), head, 'categorical_crossentropy', weights && tf.tensor1d(weights), 0, {
          lambda: l,
          labels: tf.tensor1d([2, 0], 'int32'),
        }).dataSync()[0]!,
      );
    expect(loss(null)).toBeCloseTo(want, 5);
    const w = [2, 1, 0.5];
    const weighted = (-(l * Math.log(0.7) + (1 - l) * Math.log(0.1)) * (l * 2 + (1 - l) * 0.5) - (l * Math.log(0.6) + (1 - l) * Math.log(0.1)) * (l * 0.5 + (1 - l) * 2)) / 2;
    expect(loss(w)).toBeCloseTo(weighted, 5);
  });
});

describe('training with mixup and cutmix', () => {
  let base: string;
  beforeAll(async () => {
    await selectBackend('cpu');
    base = tempDir('mix');
    await writeImageFolder(join(base, 'data'), 8);
  });

  it('a stage resumed after 2 of 4 epochs mixes and trains exactly as the uninterrupted one', async () => {
    // 12 random 6x4 images of 3 classes, batches of 4: the real dataset's batches, mixed.
    const rng = createRng(2);
    const dataset = new ImageDataset({
      classes: ['a', 'b', 'c'], shape,
      images: Array.from({ length: 12 }, () => Uint8Array.from({ length: 72 }, () => Math.floor(rng.next() * 256))),
      labels: Array.from({ length: 12 }, (_, i) => i % 3), files: Array.from({ length: 12 }, (_, i) => `${i}.png`),
    });
    const plan = { ...NONE, mixup: 0.4, cutmix: 1, horizontalFlip: true };
    const pixels = pixelSource(dataset, { batchSize: 4, shuffle: true, seed: 5, augment: plan });
    const source: FeatureSource = {
      size: 12,
      async *batches(epoch) {
        for await (const b of pixels.batches(epoch)) {
          expect(b.mix).toBeDefined();
          yield { x: tf.div(b.pixels, 255), labels: b.labels, indices: b.indices, mix: b.mix };
          b.pixels.dispose();
        }
      },
    };
    const head: HeadPlan = { layers: [{ type: 'dense', units: 3, activation: 'softmax', name: 'out' }], outputUnits: 3, outputActivation: 'softmax' };
    const model = () => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 6, 3] }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' })] });
    const stagePlan = stage({ epochs: 4, optimizer: { name: 'adam', learningRate: 0.01, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null } });
    const whole = model();
    const start = whole.getWeights().map((w) => w.clone());
    const again = model();
    const { uninterrupted, resumed } = await trainThenResume(whole, again, { head, stage: stagePlan, train: source, validation: null, classWeights: null, batchSize: 4 });
    expect(resumed.epochs.map((r) => r.loss)).toEqual(uninterrupted.epochs.slice(2).map((r) => r.loss));
    // And without mixing the same start trains to other losses: the mix reached the loss.
    const plain = model();
    plain.setWeights(start);
    const unmixed = pixelSource(dataset, { batchSize: 4, shuffle: true, seed: 5, augment: { ...plan, mixup: 0, cutmix: 0 } });
    const plainSource: FeatureSource = {
      size: 12,
      async *batches(epoch) {
        for await (const b of unmixed.batches(epoch)) {
          yield { x: tf.div(b.pixels, 255), labels: b.labels, indices: b.indices };
          b.pixels.dispose();
        }
      },
    };
    const first = model();
    first.setWeights(start);
    const mixedOnce = await runStage({ model: first, tail: first, head, stage: { ...stagePlan, epochs: 1 }, train: source, validation: null, classWeights: null, batchSize: 4 });
    const plainOnce = await runStage({ model: plain, tail: plain, head, stage: { ...stagePlan, epochs: 1 }, train: plainSource, validation: null, classWeights: null, batchSize: 4 });
    expect(mixedOnce.epochs[0]!.loss).toBe(uninterrupted.epochs[0]!.loss);
    expect(plainOnce.epochs[0]!.loss).not.toBe(mixedOnce.epochs[0]!.loss);
    tf.dispose(start);
    [whole, again, plain, first].forEach((m) => m.dispose());
  });

  it('a run of the pipeline trains with both, the same way twice', async () => {
    const records = async (name: string) => {
      const plan = makePlan({ stages: [stage({ epochs: 2 })], evaluate: null });
      plan.data!.augment = { ...NONE, mixup: 0.2, cutmix: 1, horizontalFlip: true, seed: 3 };
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
