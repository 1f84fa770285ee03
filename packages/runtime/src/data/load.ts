// From a plan's data statement to datasets, in the order a run needs: scan the class folders,
// hold out validation (seeded split, or a separate folder with the same classes), decode every
// image once (finding every bad file before any training), apply `on bad image`, and check no
// class was left empty by skipped files. The decoded pixels are held in memory when they fit in
// the memory share (memory.ts), else written to the pixel cache on disk (or found there, from an
// earlier run on the same files) and streamed from it a batch at a time. With `random crop` the
// training images are decoded at a larger source size (the windows are cut from it) and the
// validation images at the model's, each set held or streamed on its own. Without training
// pixels (the torch engine, whose trainer decodes the training images itself from the file list)
// the training images are decoded once all the same, at the model's size, to find the bad files
// exactly as before, and their pixels dropped as they come: only the files and labels are kept.
import path from 'node:path';
import type { DataPlan } from '@tlc/plan';
import { applyBadImagePolicy, checkImages, decodeEach, type BadImage } from './check';
import { channelsOf, type DecodeOptions } from './decode';
import { randomCropSourceSize } from '../augment/crop';
import { RunError, runtimeMessages } from '../messages';
import { ImageDataset } from './dataset';
import { DiskImages, UnstoredImages } from './images';
import { formatBytes, formatShare, memoryBudget, memoryShare } from './memory';
import { cachedPixels, defaultPixelCacheDir, pixelBytes } from './pixel-cache';
import { scanImageFolder, type ImageItem } from './scan';
import { splitValidation } from './split';
import { scanLabelsFile } from './labels-file';

export interface LoadedData {
  /** Class names in label order. */
  classes: string[];
  training: ImageDataset;
  /** null for `validation none`. */
  validation: ImageDataset | null;
  /** To print before training: skipped bad files, skipped links, classes too small to split. */
  warnings: string[];
  /** Where the pixels are, for the log: null in memory, else a line about the pixel cache. */
  streamed: string | null;
}

export interface LoadOptions {
  /** Called as images are decoded, over training and validation together. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called with the classes (class folders, or a labels file's labels) and the images once they
   * are scanned, before any image is decoded; may throw.
   */
  onClasses?: (classes: string[], items: readonly ImageItem[]) => void;
  concurrency?: number;
  /** The share of memory the decoded images may take (default: TLC_MEMORY_SHARE, else 0.6). */
  memoryShare?: number;
  /** Bytes of decoded images already held in memory (the training set's, for an evaluation folder). */
  memoryInUse?: number;
  /** The pixel cache folder (default $TLC_HOME/pixels, else ~/.cache/tlc/pixels). */
  pixelCacheDir?: string;
  /**
   * False: the training images are checked for bad files but their pixels are not kept (the
   * torch engine's trainer decodes them itself); the training dataset holds files and labels.
   * Default true.
   */
  trainingPixels?: boolean;
}

export function decodeOptionsOf(plan: DataPlan): DecodeOptions {
  const decode: DecodeOptions = { height: plan.imageSize[0], width: plan.imageSize[1], colorMode: plan.colorMode, maxPixels: plan.maxPixels };
  // Absent for `stretch`, so the pixel cache's keys of stretched images stay as they were.
  if (plan.resize && plan.resize !== 'stretch') decode.resize = plan.resize;
  return decode;
}

/** The decoded images of a set: their pixels in memory or in the pixel cache, and the bad files. */
interface Decoded<T> {
  /** The items that decoded, in input order. */
  good: T[];
  bad: BadImage[];
  /** The good items' pixels: in memory (by item), or their slots in the cache file. */
  pixels: { inMemory: Map<T, Uint8Array> } | { file: string; slotOf: Map<T, number> } | { dropped: true };
  /** For the log when streamed. */
  streamed: string | null;
}

/** Decodes `items` (or finds them in the pixel cache): in memory when they fit the share, else on disk. */
async function decodeImages<T extends ImageItem>(items: readonly T[], decode: DecodeOptions, options: LoadOptions): Promise<Decoded<T>> {
  const share = memoryShare(options.memoryShare);
  const need = pixelBytes(items.length, decode);
  const budget = memoryBudget(share) - (options.memoryInUse ?? 0);
  if (need <= budget) {
    const checked = await checkImages(items, { ...decode, concurrency: options.concurrency, onProgress: options.onProgress });
    return { good: checked.good.map((g) => g.item), bad: checked.bad, pixels: { inMemory: new Map(checked.good.map((g) => [g.item, g.pixels])) }, streamed: null };
  }
  const dir = options.pixelCacheDir ?? defaultPixelCacheDir();
  const cached = await cachedPixels(items, { ...decode, dir, concurrency: options.concurrency, onProgress: options.onProgress });
  const badFiles = new Set(cached.bad.map((b) => b.file));
  const good = items.filter((item) => !badFiles.has(item.file));
  const slotOf = new Map(items.map((item, i) => [item, cached.slots[i]!]));
  const how = cached.reused ? 'reused from an earlier run' : 'decoded into it now';
  const streamed = `pixels: ${items.length} images need ${formatBytes(need)}, more than the memory share (${formatShare(share)}, TLC_MEMORY_SHARE): streamed from the pixel cache ${cached.entry} (${how})`;
  return { good, bad: cached.bad, pixels: { file: cached.file, slotOf }, streamed };
}

/** Decodes `items` to find the bad ones, keeping no pixels (each image's dropped as it is decoded). */
async function checkWithoutPixels<T extends ImageItem>(items: readonly T[], decode: DecodeOptions, options: LoadOptions): Promise<Decoded<T>> {
  const bad = await decodeEach(items, { ...decode, concurrency: options.concurrency, onProgress: options.onProgress }, () => {});
  const badIndex = new Set(bad.map((b) => b.index));
  return { good: items.filter((_, i) => !badIndex.has(i)), bad: bad.map(({ file, reason }) => ({ file, reason })), pixels: { dropped: true }, streamed: null };
}

/**
 * The dataset of `items` (decoded at `decode`'s size); `modelSize` [height, width] when the
 * batches are smaller than that (training images decoded larger for `random crop`).
 */
function toDataset<T extends ImageItem>(classes: string[], decode: DecodeOptions, decoded: Decoded<T>, items: T[], modelSize?: readonly [number, number]): ImageDataset {
  const stored = { height: decode.height, width: decode.width, channels: channelsOf(decode.colorMode) };
  const shape = modelSize ? { height: modelSize[0], width: modelSize[1], channels: stored.channels } : stored;
  const { pixels } = decoded;
  const images = 'dropped' in pixels ? new UnstoredImages(items.length)
    : 'inMemory' in pixels ? items.map((item) => pixels.inMemory.get(item)!)
    : new DiskImages(pixels.file, stored.height * stored.width * stored.channels, Int32Array.from(items, (item) => pixels.slotOf.get(item)!));
  return new ImageDataset({
    classes, shape, ...(modelSize ? { stored } : {}), images,
    labels: items.map((item) => item.label),
    labelSets: items.map((item) => item.labels ?? [item.label]),
    files: items.map((item) => item.file),
  });
}

function assertEveryClassLeft(classes: string[], dataset: ImageDataset, role: string): void {
  const counts = dataset.classCounts();
  const emptied = classes.filter((_, label) => counts[label] === 0);
  if (emptied.length > 0) {
    throw new RunError(runtimeMessages.classesEmptiedBySkipping(role, emptied));
  }
}

/** The data's class folders (or labels file) scanned and split, nothing decoded: the training and validation items. */
export interface ScannedSets {
  classes: string[];
  training: ImageItem[];
  validation: ImageItem[];
  warnings: string[];
}

/** Scans the class folders and holds out validation (seeded split, or the validation folder). */
export async function scanSets(plan: DataPlan, baseDir: string, options: Pick<LoadOptions, 'onClasses'> = {}): Promise<ScannedSets> {
  const root = path.resolve(baseDir, plan.directory);
  const scanned = plan.labels ? await scanLabelsFile(root, plan.labels) : await scanImageFolder(root);
  options.onClasses?.(scanned.classes, scanned.items);
  const warnings = [...scanned.warnings];
  let training: ImageItem[] = scanned.items;
  let validation: ImageItem[] = [];
  if (plan.validation.mode === 'split') {
    const split = splitValidation(scanned.items, plan.validation.fraction, plan.validation.seed);
    ({ training, validation } = split);
    warnings.push(...split.warnings);
  } else if (plan.validation.mode === 'directory') {
    const folder = await scanImageFolder(path.resolve(baseDir, plan.validation.directory), {
      expectedClasses: scanned.classes,
      role: 'validation folder',
    });
    validation = folder.items;
    warnings.push(...folder.warnings);
  }
  return { classes: scanned.classes, training, validation, warnings };
}

/**
 * The decode settings of the training images: the model's size, or for `random crop` the larger
 * source size the windows are cut from (randomCropSourceSize), by the same `resize` mode.
 */
export function trainingDecodeOptionsOf(plan: DataPlan): DecodeOptions {
  const decode = decodeOptionsOf(plan);
  const crop = plan.augment?.randomCrop;
  if (!crop) return decode;
  const [height, width] = randomCropSourceSize(plan.imageSize, crop);
  return { ...decode, height, width };
}

/**
 * Training and validation decoded: together at the model's size, or (training decoded larger for
 * `random crop`) one after the other, validation's memory share reduced by what training holds.
 */
async function decodeSets(
  training: ImageItem[], validation: ImageItem[], decode: DecodeOptions, trainingDecode: DecodeOptions | null, options: LoadOptions,
): Promise<{ training: Decoded<ImageItem>; validation: Decoded<ImageItem>; bad: BadImage[]; streamed: string | null }> {
  const total = training.length + validation.length;
  if (options.trainingPixels === false) {
    // Checked at the model's size (the bad files are the same at any size, and it is the cheaper
    // one for `random crop`), then validation decoded and kept as usual.
    const first = await checkWithoutPixels(training, decode, { ...options, onProgress: (done) => options.onProgress?.(done, total) });
    const second = await decodeImages(validation, decode, { ...options, onProgress: (done) => options.onProgress?.(training.length + done, total) });
    return { training: first, validation: second, bad: [...first.bad, ...second.bad], streamed: second.streamed };
  }
  if (trainingDecode === null) {
    const decoded = await decodeImages([...training, ...validation], decode, options);
    return { training: decoded, validation: decoded, bad: decoded.bad, streamed: decoded.streamed };
  }
  const first = await decodeImages(training, trainingDecode, { ...options, onProgress: (done) => options.onProgress?.(done, total) });
  const held = 'inMemory' in first.pixels ? pixelBytes(first.good.length, trainingDecode) : 0;
  const second = await decodeImages(validation, decode, {
    ...options,
    memoryInUse: (options.memoryInUse ?? 0) + held,
    onProgress: (done) => options.onProgress?.(training.length + done, total),
  });
  const streamed = [first.streamed, second.streamed].filter((line) => line !== null).join('\n');
  return { training: first, validation: second, bad: [...first.bad, ...second.bad], streamed: streamed === '' ? null : streamed };
}

/** Scans, splits, decodes and checks the data a plan names; paths are relative to `baseDir`. */
export async function loadData(plan: DataPlan, baseDir: string, options: LoadOptions = {}): Promise<LoadedData> {
  const { classes, training, validation, warnings } = await scanSets(plan, baseDir, options);
  const decode = decodeOptionsOf(plan);
  // Decoded apart (larger) only for `random crop`.
  const larger = plan.augment?.randomCrop ? trainingDecodeOptionsOf(plan) : null;
  const trainingDecode = larger ?? decode;
  const all = [...training, ...validation];
  const decoded = await decodeSets(training, validation, decode, larger, options);
  const skipped = applyBadImagePolicy(decoded.bad, all.length, plan.onBadImage);
  if (skipped !== null) warnings.push(skipped);
  const inTraining = new Set(training);
  const cropped = larger ? plan.imageSize : undefined;
  const trainingSet = toDataset(classes, trainingDecode, decoded.training, decoded.training.good.filter((item) => inTraining.has(item)), cropped);
  if (trainingSet.multiLabel) {
    // Several labels per image: the split stratifies by each image's first label, so a rare
    // label can end up in validation only. The model still has its output; say so.
    const counts = trainingSet.classCounts();
    const absent = classes.filter((_, c) => counts[c] === 0);
    if (absent.length > 0) warnings.push(`the training set has no image labelled ${absent.join(', ')}: the model cannot learn ${absent.length === 1 ? 'it' : 'them'}`);
  } else {
    assertEveryClassLeft(classes, trainingSet, 'training set');
  }
  const validationSet =
    plan.validation.mode === 'none' ? null : toDataset(classes, decode, decoded.validation, decoded.validation.good.filter((item) => !inTraining.has(item)));
  return { classes: classes, training: trainingSet, validation: validationSet, warnings, streamed: decoded.streamed };
}

/**
 * Loads another labelled folder with the training classes (an `evaluate` folder): scanned,
 * decoded and checked like the training data.
 */
export async function loadLabelledFolder(
  dir: string,
  classes: readonly string[],
  options: DecodeOptions & LoadOptions & { onBadImage: 'fail' | 'skip'; role: string },
): Promise<{ dataset: ImageDataset; warnings: string[]; streamed: string | null }> {
  const scanned = await scanImageFolder(dir, { expectedClasses: classes, role: options.role });
  const decode: DecodeOptions = { height: options.height, width: options.width, colorMode: options.colorMode, maxPixels: options.maxPixels };
  if (options.resize) decode.resize = options.resize;
  const decoded = await decodeImages(scanned.items, decode, options);
  const skipped = applyBadImagePolicy(decoded.bad, scanned.items.length, options.onBadImage);
  return {
    dataset: toDataset([...classes], decode, decoded, decoded.good),
    warnings: skipped === null ? scanned.warnings : [...scanned.warnings, skipped],
    streamed: decoded.streamed,
  };
}
