// `tlc augment FILE --preview N` end to end on a small real PNG folder: the contact sheet's size
// and cells (each cell the run's own first-epoch image, augmented and mixed, read back from the
// PNG), the default path next to the file, nothing else written, usage errors and --help.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { compile } from '@tlc/language';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadData } from '../../runtime/src/data/load';
import { tempDir, writeImageFolder } from '../../runtime/test/run/fixtures';
import { runTlc } from './tlc';

// The runtime's sharp (the CLI itself does not depend on it), to read the sheet back.
type Sheet = { data: Buffer; info: { width: number; height: number; channels: number } };
type Sharp = (file: string) => { raw(): { toBuffer(options: { resolveWithObject: true }): Promise<Sheet> }; metadata(): Promise<{ width?: number }> };
const sharp = createRequire(new URL('../../runtime/package.json', import.meta.url))('sharp') as Sharp;

const SOURCE = `pipeline "seen"

data "data" {
  image 32x32 grayscale
  validation 25% seed 7
  batch 4
  shuffle on seed 5
}

augment { random crop scale 0.5..1; rotate 30; zoom 0.8..1.2; shift width 0.1; fill constant 200; channel shift 30; flip horizontal; mixup 0.4 }

use MobileNet alpha 0.25 weights none freeze none cut after block3
preprocess rescale 1/255
head dense 2

train { epochs 1 }
`;

let dir: string;
const listing = (): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

beforeAll(async () => {
  dir = tempDir('cli-augment');
  await writeImageFolder(path.join(dir, 'data'), 6);
  writeFileSync(path.join(dir, 'seen.tl'), SOURCE);
});

describe('tlc augment --preview', () => {
  it('writes a contact sheet of the images epoch 1 trains on, and nothing else', async () => {
    const before = listing();
    const out = path.join(dir, 'sheets', 'five.png');
    const result = await runTlc(['augment', 'seen.tl', '--preview', '5', '--out', out], dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`wrote ${out}: 5 training images of epoch 1, augmented and mixed, 3x2 cells of 96x96 pixels\n`);
    expect(listing()).toEqual([...before, 'sheets', path.join('sheets', 'five.png')].sort());
    // 3 columns and 2 rows of 32x32 images scaled 3x to 96, 4 pixels apart and around.
    const sheet = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([sheet.info.width, sheet.info.height, sheet.info.channels]).toEqual([3 * 96 + 4 * 4, 2 * 96 + 3 * 4, 3]);
    // The cells are the run's first batches: the same data, order, augmentation and mixing.
    const { plan } = compile(SOURCE, { file: path.join(dir, 'seen.tl') });
    const loaded = await loadData({ ...plan!.data!, directory: path.join(dir, 'data') }, dir);
    const batches = [...loaded.training.batches(1, { batchSize: 4, shuffle: true, seed: 5, augment: plan!.data!.augment })];
    const first = [...batches[0]!.x.subarray(0, 4 * 1024), ...batches[1]!.x.subarray(0, 1024)];
    for (let image = 0; image < 5; image++) {
      const top = 4 + Math.floor(image / 3) * 100;
      const left = 4 + (image % 3) * 100;
      for (const [r, c] of [[0, 0], [10, 17], [31, 31], [16, 5]] as const) {
        const at = ((top + 3 * r + 1) * sheet.info.width + left + 3 * c + 2) * 3;
        const want = Math.round(first[image * 1024 + r * 32 + c]!);
        expect([sheet.data[at], sheet.data[at + 1], sheet.data[at + 2]], `image ${image} (${r}, ${c})`).toEqual([want, want, want]);
      }
    }
    // The gap between cells is the background.
    expect(sheet.data[(50 * sheet.info.width + 101) * 3]).toBe(255);
  });

  it('writes next to the file by default and replaces an earlier sheet', async () => {
    const first = await runTlc(['augment', 'seen.tl', '--preview', '2'], dir);
    expect(first.status, first.stderr).toBe(0);
    const file = path.join(dir, 'seen-augment-preview.png');
    expect(first.stdout).toContain(`wrote ${file}: 2 training images`);
    const again = await runTlc(['augment', 'seen.tl', '--preview', '9', '--json'], dir);
    const json = JSON.parse(again.stdout);
    // Asked for 9, the training set has 8 (6 per class, 25% held out).
    expect(json, again.stdout).toMatchObject({ out: file, images: 8, columns: 3, rows: 3, augmented: true, mixed: true, bad: [] });
    expect((await sharp(file).metadata()).width).toBe(3 * 96 + 4 * 4);
    expect(statSync(file).isFile()).toBe(true);
  });

  it('--out naming a folder writes the default name inside it (as Keras\'s save_to_dir); a name not ending in .png is TL4209, nothing written', async () => {
    const folder = path.join(dir, 'previews');
    mkdirSync(folder);
    const into = await runTlc(['augment', 'seen.tl', '--preview', '2', '--out', folder], dir);
    expect(into.status, into.stderr).toBe(0);
    expect(into.stdout).toContain(`wrote ${path.join(folder, 'seen-augment-preview.png')}: 2 training images`);
    expect(readdirSync(folder)).toEqual(['seen-augment-preview.png']);
    // A folder not there yet, written with a trailing separator, is made.
    const made = await runTlc(['augment', 'seen.tl', '--preview', '2', '--out', `new-previews${path.sep}`], dir);
    expect(made.status, made.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'new-previews'))).toEqual(['seen-augment-preview.png']);
    const before = listing();
    const jpeg = await runTlc(['augment', 'seen.tl', '--preview', '2', '--out', 'seen.jpg'], dir);
    expect(jpeg.status).toBe(1);
    expect(jpeg.stderr).toMatch(/^error\[TL4209\]: cannot write .*seen\.jpg: the contact sheet is a PNG image: give a file name ending in \.png, or a folder/);
    expect(listing()).toEqual(before);
  });

  it('refuses a missing or bad --preview, and explains itself', async () => {
    const none = await runTlc(['augment', 'seen.tl'], dir);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--preview N is required');
    const zero = await runTlc(['augment', 'seen.tl', '--preview', '0'], dir);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain('--preview must be a whole number from 1 to 1000');
    const help = await runTlc(['augment', '--help'], dir);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('save_to_dir');
    expect(help.stdout).toContain('nothing else\non disk changes');
  });
});
