// ImageDataset batches: every image exactly once per epoch, order fixed by (seed, epoch),
// pixels as decoded or augmented deterministically, labels and files travelling with them.
import type { AugmentPlan } from '@tlc/plan';
import { describe, expect, it } from 'vitest';
import { ImageDataset, type Batch } from '../../src/data/index';

const shape = { height: 2, width: 3, channels: 1 };
const SIZE = 11;
const dataset = new ImageDataset({
  classes: ['a', 'b', 'c'],
  shape,
  // Image i is filled with the value i * 10, so a batch row says which image it holds.
  images: Array.from({ length: SIZE }, (_, i) => new Uint8Array(6).fill(i * 10)),
  labels: Array.from({ length: SIZE }, (_, i) => i % 3),
  files: Array.from({ length: SIZE }, (_, i) => `/data/${i}.png`),
});

const AUGMENT: AugmentPlan = { rotation: 30, zoom: [0.8, 1.2], shear: 0, shiftWidth: 0.2, shiftHeight: 0, channelShift: 0, fill: { mode: 'nearest', value: 0 }, horizontalFlip: true, verticalFlip: false, brightness: [0.5, 1.5], mixup: 0, cutmix: 0, randomCrop: null, seed: 3 };

const epochOf = (epoch: number, options: Partial<Parameters<ImageDataset['batches']>[1]> = {}): Batch[] =>
  [...dataset.batches(epoch, { batchSize: 4, shuffle: true, seed: 1, augment: null, ...options })];

const visited = (batches: Batch[]) => batches.flatMap((b) => Array.from(b.indices));

describe('ImageDataset', () => {
  it('covers every image exactly once per epoch, in batches of the batch size with a smaller last one', () => {
    const batches = epochOf(0);
    expect(batches.map((b) => b.size)).toEqual([4, 4, 3]);
    expect([...visited(batches)].sort((a, b) => a - b)).toEqual(Array.from({ length: SIZE }, (_, i) => i));
  });

  it('keeps pixels, labels and files of each example together', () => {
    for (const batch of epochOf(2)) {
      expect(batch.x.length).toBe(batch.size * 6);
      batch.indices.forEach((index, slot) => {
        expect(Array.from(batch.x.subarray(slot * 6, slot * 6 + 6))).toEqual(new Array(6).fill(index * 10));
        expect(batch.labels[slot]).toBe(index % 3);
        expect(batch.files[slot]).toBe(`/data/${index}.png`);
      });
    }
  });

  it('orders an epoch by (seed, epoch): repeatable, different across epochs and seeds, dataset order without shuffle', () => {
    expect(visited(epochOf(3))).toEqual(visited(epochOf(3)));
    expect(visited(epochOf(3))).not.toEqual(visited(epochOf(4)));
    expect(visited(epochOf(3))).not.toEqual(visited(epochOf(3, { seed: 2 })));
    expect(visited(epochOf(3, { shuffle: false }))).toEqual(Array.from({ length: SIZE }, (_, i) => i));
  });

  it('augments each image by (seed, epoch, index), whatever the batch size', () => {
    const rows = (batches: Batch[]) => {
      const byIndex = new Map<number, number[]>();
      for (const b of batches) b.indices.forEach((index, slot) => byIndex.set(index, Array.from(b.x.subarray(slot * 6, slot * 6 + 6))));
      return byIndex;
    };
    const small = rows(epochOf(5, { augment: AUGMENT, batchSize: 2 }));
    const large = rows(epochOf(5, { augment: AUGMENT, batchSize: 7, seed: 9 }));
    expect(large).toEqual(small);
    const nextEpoch = rows(epochOf(6, { augment: AUGMENT }));
    // Brightness alone changes a flat image: another epoch draws other factors.
    expect(nextEpoch.get(4)).not.toEqual(small.get(4));
    expect(small.get(4)).not.toEqual(new Array(6).fill(40));
  });

  it('counts images per class and refuses mismatched contents or a bad batch size', () => {
    expect(dataset.classCounts()).toEqual([4, 4, 3]);
    expect(() => new ImageDataset({ classes: ['a'], shape, images: [new Uint8Array(5)], labels: [0], files: ['x'] })).toThrow(/has 5 values, expected 6/);
    expect(() => new ImageDataset({ classes: ['a'], shape, images: [new Uint8Array(6)], labels: [], files: ['x'] })).toThrow(/must match/);
    expect(() => epochOf(0, { batchSize: 0 })).toThrow(RangeError);
  });
});
