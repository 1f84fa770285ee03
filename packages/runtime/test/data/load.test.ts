// loadData end to end on real image folders: split or separate validation folder, bad files
// failing the run before training (all listed) or skipped with a warning, and a class left
// empty by skipped files refused.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DataPlan } from '@tlc/plan';
import { describe, expect, it } from 'vitest';
import { loadData, loadLabelledFolder } from '../../src/data/index';
import { RunError } from '../../src/messages';
import { BLUE, channelMeans, RED, tempFolder, truncatedJpeg, writeFile, writeSolidImage } from './fixtures';

const PLAN: DataPlan = {
  directory: 'train',
  imageSize: [6, 5],
  colorMode: 'rgb',
  resize: 'stretch',
  validation: { mode: 'split', fraction: 0.25, seed: 4 },
  batchSize: 4,
  shuffle: true,
  seed: 1,
  onBadImage: 'fail',
  maxPixels: 1_000_000,
  augment: null,
  labels: null,
};

/** base/<folder>/{blue,red}/<n>.png, red and blue solid images. */
async function classFolders(base: string, folder: string, perClass: number): Promise<void> {
  for (let i = 0; i < perClass; i++) {
    await writeSolidImage(path.join(base, folder, 'red', `${i}.png`), RED, 8 + i);
    await writeSolidImage(path.join(base, folder, 'blue', `${i}.jpg`), BLUE, 8 + i);
  }
}

describe('loadData', () => {
  it('scans, splits and decodes a class-per-folder set relative to the plan folder', async () => {
    const base = await tempFolder();
    await classFolders(base, 'train', 8);
    const progress: number[] = [];
    const data = await loadData(PLAN, base, { onProgress: (done) => progress.push(done) });
    expect(data.classes).toEqual(['blue', 'red']);
    expect(data.training.size).toBe(12);
    expect(data.validation!.size).toBe(4);
    expect(data.validation!.classCounts()).toEqual([2, 2]);
    expect(data.training.shape).toEqual({ height: 6, width: 5, channels: 3 });
    expect(progress.at(-1)).toBe(16);
    expect(data.warnings).toEqual([]);
    for (let i = 0; i < data.training.size; i++) {
      const colour = data.training.labels[i] === 0 ? BLUE : RED;
      const [r, , b] = channelMeans(data.training.image(i), 3);
      expect(Math.abs(r! - colour.r) + Math.abs(b! - colour.b)).toBeLessThan(16);
      expect(path.basename(path.dirname(data.training.files[i]!))).toBe(data.classes[data.training.labels[i]!]);
    }
    const again = await loadData(PLAN, base);
    expect(again.validation!.files).toEqual(data.validation!.files);
  });

  it('takes a separate validation folder with the same classes, or none', async () => {
    const base = await tempFolder();
    await classFolders(base, 'train', 3);
    await classFolders(base, 'val', 2);
    const data = await loadData({ ...PLAN, colorMode: 'grayscale', validation: { mode: 'directory', directory: 'val' } }, base);
    expect(data.training.size).toBe(6);
    expect(data.validation!.size).toBe(4);
    expect(data.validation!.files.every((f) => f.startsWith(path.join(base, 'val')))).toBe(true);
    expect(data.training.shape.channels).toBe(1);
    expect(data.training.image(0).length).toBe(6 * 5);
    const none = await loadData({ ...PLAN, validation: { mode: 'none' } }, base);
    expect(none.validation).toBeNull();
    expect(none.training.size).toBe(6);
  });

  it('fails before training listing every bad file, or skips them with a warning', async () => {
    const base = await tempFolder();
    await classFolders(base, 'train', 4);
    const empty = await writeFile(path.join(base, 'train', 'red', 'empty.png'), '');
    const cut = await writeFile(path.join(base, 'train', 'blue', 'cut.jpg'), await truncatedJpeg());
    const error = await loadData(PLAN, base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4108');
    expect((error as RunError).message).toContain(`${empty}: empty file (0 bytes)`);
    expect((error as RunError).message).toContain(`${cut}: truncated or corrupt image data`);

    const data = await loadData({ ...PLAN, onBadImage: 'skip' }, base);
    expect(data.training.size + data.validation!.size).toBe(8);
    expect(data.warnings).toHaveLength(1);
    expect(data.warnings[0]).toMatch(/^skipped 2 of 10 image files/);
  });

  it('without training pixels (the torch engine): the same files, labels and bad-image outcome, no training pixels kept', async () => {
    const base = await tempFolder();
    await classFolders(base, 'train', 4);
    const empty = await writeFile(path.join(base, 'train', 'red', 'empty.png'), '');
    const cut = await writeFile(path.join(base, 'train', 'blue', 'cut.jpg'), await truncatedJpeg());
    const failed = await loadData(PLAN, base).catch((e: unknown) => e) as RunError;
    const refused = await loadData(PLAN, base, { trainingPixels: false }).catch((e: unknown) => e) as RunError;
    expect(refused).toBeInstanceOf(RunError);
    expect(refused.code).toBe('TL4108');
    // libvips's detail in parentheses may be lost when two decodes fail at once (decode.ts): the reasons are compared without it.
    const reasons = (message: string) => message.replace(/ \(VipsJpeg[^)]*\)/g, '');
    expect(reasons(refused.message)).toBe(reasons(failed.message));
    expect(refused.message).toContain(`${empty}: empty file (0 bytes)`);
    expect(refused.message).toContain(`${cut}: truncated or corrupt image data`);

    // random crop: the tfjs side decodes training larger; without pixels the outcome is the same.
    const crop = { ...PLAN, onBadImage: 'skip' as const, augment: { seed: 3, flipHorizontal: false, flipVertical: false, rotate: 0, zoom: 0, brightness: 0, contrast: 0, randomCrop: { scale: [0.5, 1] as [number, number], ratio: [0.75, 1.33] as [number, number] } } as unknown as DataPlan['augment'] };
    for (const plan of [{ ...PLAN, onBadImage: 'skip' as const }, crop]) {
      const kept = await loadData(plan, base);
      const progress: number[] = [];
      const listed = await loadData(plan, base, { trainingPixels: false, onProgress: (done) => progress.push(done) });
      expect(listed.warnings.map(reasons)).toEqual(kept.warnings.map(reasons));
      expect(listed.warnings[0]).toMatch(/^skipped 2 of 10 image files/);
      expect(listed.training.files).toEqual(kept.training.files);
      expect(Array.from(listed.training.labels)).toEqual(Array.from(kept.training.labels));
      expect(Array.from(listed.training.targets)).toEqual(Array.from(kept.training.targets));
      expect(listed.training.storedShape).toEqual(kept.training.storedShape);
      expect(progress.at(-1)).toBe(10);
      expect(kept.training.holdsPixels).toBe(true);
      expect(listed.training.holdsPixels).toBe(false);
      expect(listed.training.bytesInMemory).toBe(0);
      expect(() => listed.training.image(0)).toThrow(/not kept/);
      // Validation is decoded and kept as before (the tfjs evaluation after a torch run reads it).
      expect(listed.validation!.files).toEqual(kept.validation!.files);
      expect(listed.validation!.holdsPixels).toBe(true);
      expect(Array.from(listed.validation!.image(0))).toEqual(Array.from(kept.validation!.image(0)));
    }
  });

  it('refuses, before decoding, a set whose pixels fit neither in memory nor on the pixel cache\'s disk', async () => {
    const base = await tempFolder();
    await classFolders(base, 'train', 2);
    // 4 images of 300000 x 300000 x 3 bytes: 1 TB, beyond 60% of any machine this runs on and its disk.
    const cache = path.join(base, 'cache');
    const error = await loadData({ ...PLAN, imageSize: [300_000, 300_000] }, base, { pixelCacheDir: cache }).catch((e: unknown) => e);
    expect((error as RunError).code).toBe('TL4110');
    expect((error as RunError).message).toMatch(new RegExp(`^4 images of 300000x300000 rgb need 1005\\.8 GiB: more than the memory share, and the pixel cache folder ${cache} has only .* free$`));
    // Nothing was written but the (empty) cache folder.
    expect(await fs.readdir(cache)).toEqual([]);
  });

  it('refuses a class that skipping bad files left without images', async () => {
    const base = await tempFolder();
    await classFolders(base, 'train', 2);
    for (const file of await fs.readdir(path.join(base, 'train', 'red'))) await fs.writeFile(path.join(base, 'train', 'red', file), 'broken');
    const error = await loadData({ ...PLAN, onBadImage: 'skip', validation: { mode: 'none' } }, base).catch((e: unknown) => e);
    expect((error as RunError).code).toBe('TL4104');
    expect((error as RunError).message).toContain('no usable image of red');
  });
});

describe('loadLabelledFolder', () => {
  it('loads an evaluation folder with the training classes', async () => {
    const base = await tempFolder();
    await classFolders(base, 'test', 2);
    const { dataset, warnings } = await loadLabelledFolder(path.join(base, 'test'), ['blue', 'red'], {
      height: 4,
      width: 4,
      colorMode: 'rgb',
      maxPixels: 1_000_000,
      onBadImage: 'fail',
      role: 'evaluation folder',
    });
    expect(dataset.size).toBe(4);
    expect(dataset.classCounts()).toEqual([2, 2]);
    expect(warnings).toEqual([]);
  });
});
