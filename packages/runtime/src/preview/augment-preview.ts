// `tlc augment FILE --preview N`: what the model will see, as Keras's save_to_dir shows it: the
// first N training images of epoch 1, in the run's seeded order, cropped (`random crop`, from the
// same larger decode), augmented (and mixed) exactly as
// the run's first batches are, laid out as one contact sheet PNG. Only the images shown are
// decoded; nothing is written but the sheet (atomically), and no run folder or cache is made.
import { basename, dirname, extname, join, resolve } from 'node:path';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import type { Plan } from '@tlc/plan';
import sharp from 'sharp';
import { ImageDataset } from '../data/dataset';
import { BadImageError, channelsOf, decodeImage } from '../data/decode';
import type { ImageStore } from '../data/images';
import { decodeOptionsOf, scanSets, trainingDecodeOptionsOf } from '../data/load';
import { writeFileAtomic } from '../run/atomic';
import { CPU_AUTO_BATCH } from '../run/batch-size';
import { dataPlan } from '../run/phases/data';
import { safeName } from '../run/run-folder';
import { RunError, runtimeMessages } from '../messages';

export interface AugmentPreviewOptions {
  /** The plan's folder: its paths are relative to it. */
  baseDir: string;
  /** Images on the sheet. */
  count: number;
  /** The PNG to write (default: <baseDir>/<pipeline>-augment-preview.png). */
  out?: string;
  /** The image folder, for a model spec without data (as `tlc run --data`). */
  data?: string;
}

export interface AugmentPreviewResult {
  out: string;
  images: number;
  columns: number;
  rows: number;
  /** Each cell's size on the sheet, [height, width]: the model's input, scaled up when small. */
  cell: [number, number];
  augmented: boolean;
  mixed: boolean;
  /** Training images that could not be decoded (shown black), as `file: reason`. */
  bad: string[];
}

/** Cells smaller than this are scaled up by a whole factor (nearest pixel), so small inputs stay visible. */
const MIN_CELL = 96;
const GAP = 4;
/** The sheet's background between the cells. */
const BACKGROUND = 255;

/** A store of the few images the sheet shows, decoded ahead; any other index is never read. */
class ChosenImages implements ImageStore {
  constructor(readonly count: number, private readonly chosen: Map<number, Uint8Array>) {}
  get bytesInMemory(): number {
    return 0;
  }
  image(index: number): Uint8Array {
    const pixels = this.chosen.get(index);
    if (!pixels) throw new Error(`augment preview: image ${index} was not decoded`);
    return pixels;
  }
  read(indices: ArrayLike<number>): Promise<Uint8Array[]> {
    return Promise.resolve(Array.from(indices, (i) => this.image(i)));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function defaultPreviewPath(plan: Plan, baseDir: string): string {
  return resolve(baseDir, `${safeName(plan.name)}-augment-preview.png`);
}

/**
 * Where the sheet goes: `out`, or the default name inside `out` when it names a folder (as Keras's
 * save_to_dir takes one), else the default path. TL4209 for a name that is not a .png.
 */
export function previewPath(plan: Plan, baseDir: string, out?: string): string {
  if (out === undefined) return defaultPreviewPath(plan, baseDir);
  const target = resolve(out);
  if (/[\\/]$/.test(out) || (existsSync(target) && statSync(target).isDirectory())) return join(target, basename(defaultPreviewPath(plan, baseDir)));
  if (extname(target).toLowerCase() !== '.png') throw new RunError(runtimeMessages.cannotWrite(target, `the contact sheet is a PNG image: give a file name ending in .png, or a folder`));
  return target;
}

export async function augmentPreview(plan: Plan, options: AugmentPreviewOptions): Promise<AugmentPreviewResult> {
  // Checked before any image is decoded.
  const out = previewPath(plan, options.baseDir, options.out);
  const data = dataPlan(plan, { baseDir: options.baseDir, ...(options.data ? { data: options.data } : {}) });
  const sets = await scanSets(data, options.baseDir);
  const model = decodeOptionsOf(data);
  const shape = { height: model.height, width: model.width, channels: channelsOf(model.colorMode) };
  // The training images as the run decodes them: larger for `random crop`, cropped per batch.
  const decode = trainingDecodeOptionsOf(data);
  const stored = { height: decode.height, width: decode.width, channels: shape.channels };
  const count = Math.min(options.count, sets.training.length);
  // The first stage's batches (`batch auto` is resolved on a backend, which a preview does not
  // start: its CPU value then, 32).
  const stageBatch = plan.stages[0]?.batchSize ?? data.batchSize;
  const batchSize = stageBatch === 'auto' ? CPU_AUTO_BATCH : stageBatch;
  const chosen = new Map<number, Uint8Array>();
  const dataset = new ImageDataset({
    classes: sets.classes,
    shape,
    stored,
    images: new ChosenImages(sets.training.length, chosen),
    labels: sets.training.map((item) => item.label),
    files: sets.training.map((item) => item.file),
  });
  // The whole batches that hold the first `count` images (mixing pairs images within a batch).
  const order = dataset.order(1, data.shuffle, data.seed);
  const needed = order.slice(0, Math.min(order.length, Math.ceil(count / batchSize) * batchSize));
  const bad: string[] = [];
  const valuesPerImage = shape.height * shape.width * shape.channels;
  const storedValues = stored.height * stored.width * stored.channels;
  for (const index of needed) {
    const file = sets.training[index]!.file;
    try {
      chosen.set(index, await decodeImage(file, decode));
    } catch (error) {
      if (!(error instanceof BadImageError)) throw error;
      bad.push(`${file}: ${error.reason}`);
      chosen.set(index, new Uint8Array(storedValues));
    }
  }
  const pixels: Float32Array[] = [];
  for (const batch of dataset.batches(1, { batchSize, shuffle: data.shuffle, seed: data.seed, augment: data.augment })) {
    for (let slot = 0; slot < batch.size && pixels.length < count; slot++) pixels.push(batch.x.subarray(slot * valuesPerImage, (slot + 1) * valuesPerImage));
    if (pixels.length >= count) break;
  }
  const sheet = contactSheet(pixels, shape);
  const png = await sharp(sheet.rgb, { raw: { width: sheet.width, height: sheet.height, channels: 3 } }).png().toBuffer();
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, png);
  const augment = data.augment;
  return {
    out, images: pixels.length, columns: sheet.columns, rows: sheet.rows, cell: sheet.cell,
    augmented: augment !== null, mixed: augment !== null && (augment.mixup > 0 || augment.cutmix > 0), bad,
  };
}

/** The images (float 0..255 HWC, 1 or 3 channels) in a grid of RGB cells, row by row, with gaps. */
export function contactSheet(images: readonly Float32Array[], shape: { height: number; width: number; channels: number }) {
  const columns = Math.max(1, Math.ceil(Math.sqrt(images.length)));
  const rows = Math.max(1, Math.ceil(images.length / columns));
  const scale = Math.max(1, Math.ceil(MIN_CELL / Math.max(shape.height, shape.width)));
  const cellHeight = shape.height * scale;
  const cellWidth = shape.width * scale;
  const width = columns * cellWidth + (columns + 1) * GAP;
  const height = rows * cellHeight + (rows + 1) * GAP;
  const rgb = new Uint8Array(width * height * 3).fill(BACKGROUND);
  images.forEach((image, i) => {
    const top = GAP + Math.floor(i / columns) * (cellHeight + GAP);
    const left = GAP + (i % columns) * (cellWidth + GAP);
    for (let r = 0; r < cellHeight; r++) {
      const sourceRow = Math.floor(r / scale);
      for (let c = 0; c < cellWidth; c++) {
        const source = (sourceRow * shape.width + Math.floor(c / scale)) * shape.channels;
        const target = ((top + r) * width + left + c) * 3;
        for (let ch = 0; ch < 3; ch++) rgb[target + ch] = Math.round(image[source + (shape.channels === 1 ? 0 : ch)]!);
      }
    }
  });
  return { rgb, width, height, columns, rows, cell: [cellHeight, cellWidth] as [number, number] };
}
