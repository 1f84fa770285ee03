// The torch trainer augments and orders batches exactly as the tfjs runtime does: the same seeded
// streams give the same transform of the same image in the same epoch (every transform on), and
// the same shuffled epoch order.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { AugmentPlan } from '@tlc/plan';
import { augmentImage } from '../../../src/augment/augment';
import { createRng, STREAMS } from '../../../src/random';
import { describeTorch, runPython } from './torch-env';

const dir = mkdtempSync(join(tmpdir(), 'tlc-torch-augment-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeTorch('augmentation in the torch trainer', () => {
  it.each([
    ['nearest', 0, 0],
    ['constant', 40, 30],
    ['reflect', 0, 25],
    ['wrap', 0, 0],
  ] as const)('equals the tfjs runtime pixel for pixel, and visits the same epoch order (fill %s, channel shift %s)', (mode, value, channelShift) => {
    const plan: AugmentPlan = {
      rotation: 30, zoom: [0.7, 1.25], shear: 10, shiftWidth: 0.1, shiftHeight: 0.15, channelShift, fill: { mode, value },
      horizontalFlip: true, verticalFlip: true, brightness: [0.7, 1.3], mixup: 0, cutmix: 0, randomCrop: null, seed: 11,
    };
    const shape = { height: 13, width: 17, channels: 3 };
    const rng = createRng(5);
    const pixels = Uint8Array.from({ length: 13 * 17 * 3 }, () => Math.floor(rng.next() * 256));
    const cases = [[1, 0], [2, 5], [7, 123]];
    const want = cases.map(([epoch, index]) => Array.from(augmentImage(plan, pixels, shape, { epoch, index })));
    const order = createRng(42, STREAMS.batchOrder, 3).shuffle(Array.from({ length: 20 }, (_, i) => i));
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ plan, pixels: Array.from(pixels), shape: [13, 17, 3], cases }));
    const got = JSON.parse(runPython('augment', [join(dir, 'input.json')])) as { images: number[][]; order: number[] };
    expect(got.order).toEqual(order);
    got.images.forEach((image, i) => {
      const worst = Math.max(...image.map((v, j) => Math.abs(v - want[i][j])));
      expect(worst, `case ${cases[i]}`).toBeLessThan(1e-3);
    });
    // The transforms did something (not the identity).
    expect(want[0].some((v, j) => Math.abs(v - pixels[j]) > 1)).toBe(true);
  });
});
