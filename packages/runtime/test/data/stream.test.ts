// Data larger than memory: with the memory share set tiny, loadData streams the decoded pixels
// from the pixel cache on disk, and the datasets hold exactly the bytes, labels, files, split and
// batches (augmented too) of the in-memory load; a second load reuses the cache without decoding,
// a changed file makes a new entry (the old one removed), bad files are reported the same way,
// and a bad TLC_MEMORY_SHARE is TL4116.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AugmentPlan, DataPlan } from '@tlc/plan';
import { afterEach, describe, expect, it } from 'vitest';
import { loadData, type LoadedData } from '../../src/data/index';
import type { ImageDataset } from '../../src/data/dataset';
import { memoryShare } from '../../src/data/memory';
import { RunError } from '../../src/messages';
import { BLUE, RED, tempFolder, truncatedJpeg, twoColour, writeFile, writeSolidImage } from './fixtures';

const PLAN: DataPlan = {
  directory: 'train',
  imageSize: [12, 10],
  colorMode: 'rgb',
  resize: 'stretch',
  validation: { mode: 'split', fraction: 0.25, seed: 4 },
  batchSize: 3,
  shuffle: true,
  seed: 1,
  onBadImage: 'fail',
  maxPixels: 1_000_000,
  augment: null,
  labels: null,
};
const AUGMENT: AugmentPlan = {
  rotation: 15, zoom: [0.9, 1.1], shear: 5, shiftWidth: 0.1, shiftHeight: 0.1, channelShift: 20, fill: { mode: 'reflect', value: 0 },
  horizontalFlip: true, verticalFlip: false, brightness: [0.8, 1.2], mixup: 0.3, cutmix: 1, randomCrop: null, seed: 9,
};
/** So small that no set fits: everything streams. */
const TINY = 1e-12;

async function dataFolder(base: string, perClass: number): Promise<void> {
  await fs.mkdir(path.join(base, 'train', 'red'), { recursive: true });
  for (let i = 0; i < perClass; i++) {
    await twoColour(20 + i, 16, (r, c) => (r + c + i) % 3 === 0).png().toFile(path.join(base, 'train', 'red', `${i}.png`));
    await writeSolidImage(path.join(base, 'train', 'blue', `${i}.jpg`), BLUE, 8 + i);
  }
}

/** Every image's bytes, and every batch of two epochs, augmented. */
async function contents(dataset: ImageDataset): Promise<unknown> {
  const images = Array.from({ length: dataset.size }, (_, i) => Array.from(dataset.image(i)));
  const epochs = [];
  for (const epoch of [0, 1]) {
    const batches = [];
    for await (const b of dataset.batchesAhead(epoch, { batchSize: 3, shuffle: true, seed: 5, augment: AUGMENT })) {
      batches.push({ x: Array.from(b.x), labels: Array.from(b.labels), files: b.files });
    }
    epochs.push(batches);
  }
  return { images, files: dataset.files, labels: Array.from(dataset.labels), epochs };
}

const entries = async (dir: string): Promise<string[]> => (await fs.readdir(dir)).sort();
const opened: LoadedData[] = [];
const load = async (...args: Parameters<typeof loadData>): Promise<LoadedData> => {
  const data = await loadData(...args);
  opened.push(data);
  return data;
};
afterEach(async () => {
  for (const data of opened.splice(0)) {
    await data.training.close();
    await data.validation?.close();
  }
  delete process.env.TLC_MEMORY_SHARE;
});

describe('streaming from the pixel cache', () => {
  it('gives exactly the in-memory datasets, batches and augmentation included, and reuses the cache', async () => {
    const base = await tempFolder();
    await dataFolder(base, 6);
    const cache = path.join(base, 'cache');
    const inMemory = await load(PLAN, base, { pixelCacheDir: cache });
    expect(inMemory.streamed).toBeNull();
    expect(inMemory.training.bytesInMemory).toBe(inMemory.training.size * 12 * 10 * 3);
    expect(await fs.stat(cache).catch(() => null)).toBeNull();

    let decoded = 0;
    const streamed = await load(PLAN, base, { pixelCacheDir: cache, memoryShare: TINY, onProgress: () => decoded++ });
    expect(streamed.streamed).toMatch(/streamed from the pixel cache .* \(decoded into it now\)$/);
    expect(decoded).toBe(12);
    expect(streamed.training.bytesInMemory).toBe(0);
    expect(await contents(streamed.training)).toEqual(await contents(inMemory.training));
    expect(await contents(streamed.validation!)).toEqual(await contents(inMemory.validation!));
    const [entry] = await entries(cache);
    expect((await fs.stat(path.join(cache, entry!, 'pixels.u8'))).size).toBe(12 * 12 * 10 * 3);

    // The environment variable does the same; the second load decodes nothing.
    process.env.TLC_MEMORY_SHARE = '0.0000000001%';
    decoded = 0;
    const again = await load(PLAN, base, { pixelCacheDir: cache, onProgress: () => decoded++ });
    expect(again.streamed).toMatch(/\(reused from an earlier run\)$/);
    expect(decoded).toBe(0);
    expect(await contents(again.training)).toEqual(await contents(inMemory.training));
    expect(await entries(cache)).toEqual([entry]);
  });

  it('makes a new entry when a file changes, and removes the old one', async () => {
    const base = await tempFolder();
    await dataFolder(base, 3);
    const cache = path.join(base, 'cache');
    await load(PLAN, base, { pixelCacheDir: cache, memoryShare: TINY });
    const [old] = await entries(cache);
    const changed = path.join(base, 'train', 'blue', '1.jpg');
    await writeSolidImage(changed, RED, 9);
    let decoded = 0;
    const data = await load(PLAN, base, { pixelCacheDir: cache, memoryShare: TINY, onProgress: () => decoded++ });
    expect(decoded).toBe(6);
    const now = await entries(cache);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(old);
    const inMemory = await load(PLAN, base);
    expect(await contents(data.training)).toEqual(await contents(inMemory.training));
  });

  it('never takes a half-written entry for a finished one, and removes what killed runs left', async () => {
    const base = await tempFolder();
    await dataFolder(base, 3);
    const cache = path.join(base, 'cache');
    await load(PLAN, base, { pixelCacheDir: cache, memoryShare: TINY });
    const [entry] = await entries(cache);
    // An entry whose index.json is gone (removed by hand, a damaged disk), and a killed run's partial folder.
    await fs.rm(path.join(cache, entry!, 'index.json'));
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const abandoned = path.join(cache, `${entry}.partial-${dead}-0badf00d`);
    await fs.mkdir(abandoned);
    await fs.writeFile(path.join(abandoned, 'pixels.u8'), 'half');
    let decoded = 0;
    const data = await load(PLAN, base, { pixelCacheDir: cache, memoryShare: TINY, onProgress: () => decoded++ });
    expect(decoded).toBe(6);
    expect(await entries(cache)).toEqual([entry]);
    expect(await contents(data.training)).toEqual(await contents((await load(PLAN, base)).training));
  });

  it('reports bad files as the in-memory load does, from the cache too', async () => {
    const base = await tempFolder();
    await dataFolder(base, 4);
    const empty = await writeFile(path.join(base, 'train', 'red', 'empty.png'), '');
    await writeFile(path.join(base, 'train', 'blue', 'cut.jpg'), await truncatedJpeg());
    const cache = path.join(base, 'cache');
    const inMemory = await loadData(PLAN, base).catch((e: unknown) => e);
    // libvips's own detail in parentheses may be lost when two decodes fail at once (decode.ts).
    const reasons = (text: string) => text.replace(/ \(Vips.*\)$/gm, '');
    for (let run = 0; run < 2; run++) {
      const error = await loadData(PLAN, base, { pixelCacheDir: cache, memoryShare: TINY }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunError);
      expect(reasons((error as RunError).message)).toBe(reasons((inMemory as RunError).message));
      expect((error as RunError).message).toContain(`${empty}: empty file (0 bytes)`);
    }
    const skip = { ...PLAN, onBadImage: 'skip' as const };
    const kept = await load(skip, base);
    const streamed = await load(skip, base, { pixelCacheDir: cache, memoryShare: TINY });
    expect(streamed.streamed).toMatch(/reused/);
    expect(streamed.warnings.map(reasons)).toEqual(kept.warnings.map(reasons));
    expect(await contents(streamed.training)).toEqual(await contents(kept.training));
  });

  it('refuses a memory share that is not a fraction (TL4116)', () => {
    expect(memoryShare()).toBe(0.6);
    process.env.TLC_MEMORY_SHARE = '25%';
    expect(memoryShare()).toBe(0.25);
    for (const bad of ['4GB', '0', '1.5', '-1', '%']) {
      process.env.TLC_MEMORY_SHARE = bad;
      const error = (() => {
        try {
          return memoryShare();
        } catch (e) {
          return e;
        }
      })();
      expect((error as RunError).code, bad).toBe('TL4116');
      expect((error as RunError).message).toContain(`TLC_MEMORY_SHARE must be a fraction`);
    }
  });
});
