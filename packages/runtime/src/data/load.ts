// From a plan's data statement to in-memory datasets, in the order a run needs: scan the class
// folders, hold out validation (seeded split, or a separate folder with the same classes),
// decode every image once (finding every bad file before any training), apply
// `on bad image`, and check no class was left empty by skipped files.
import os from 'node:os';
import path from 'node:path';
import type { DataPlan } from '@tlc/plan';
import { applyBadImagePolicy, checkImages, type CheckedImages } from './check';
import { channelsOf, type DecodeOptions } from './decode';
import { RunError, runtimeMessages } from '../messages';
import { ImageDataset } from './dataset';
import { scanImageFolder, type ImageItem } from './scan';
import { splitValidation } from './split';

export interface LoadedData {
  /** Class names in label order. */
  classes: string[];
  training: ImageDataset;
  /** null for `validation none`. */
  validation: ImageDataset | null;
  /** To print before training: skipped bad files, skipped links, classes too small to split. */
  warnings: string[];
}

export interface LoadOptions {
  /** Called as images are decoded, over training and validation together. */
  onProgress?: (done: number, total: number) => void;
  /** Called with the class folders once they are scanned, before any image is decoded; may throw. */
  onClasses?: (classes: string[]) => void;
  concurrency?: number;
}

export function decodeOptionsOf(plan: DataPlan): DecodeOptions {
  return { height: plan.imageSize[0], width: plan.imageSize[1], colorMode: plan.colorMode, maxPixels: plan.maxPixels };
}

function toDataset(classes: string[], decode: DecodeOptions, good: CheckedImages<ImageItem>['good']): ImageDataset {
  return new ImageDataset({
    classes,
    shape: { height: decode.height, width: decode.width, channels: channelsOf(decode.colorMode) },
    images: good.map((g) => g.pixels),
    labels: good.map((g) => g.item.label),
    files: good.map((g) => g.item.file),
  });
}

function assertEveryClassLeft(classes: string[], dataset: ImageDataset, role: string): void {
  const counts = dataset.classCounts();
  const emptied = classes.filter((_, label) => counts[label] === 0);
  if (emptied.length > 0) {
    throw new RunError(runtimeMessages.classesEmptiedBySkipping(role, emptied));
  }
}

/** The share of the machine's memory the decoded images may take (the model needs the rest). */
const MEMORY_SHARE = 0.6;

/** Refuses, before hours of decoding, a set whose pixels (1 byte per value) cannot fit in memory. */
function assertFitsInMemory(count: number, decode: DecodeOptions): void {
  const totalMemory = os.totalmem();
  const bytes = count * decode.height * decode.width * channelsOf(decode.colorMode);
  if (bytes > MEMORY_SHARE * totalMemory) {
    const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;
    throw new RunError(runtimeMessages.tooLargeForMemory(count, `${decode.height}x${decode.width} ${decode.colorMode}`, gib(bytes), Math.round(MEMORY_SHARE * 100), gib(totalMemory)));
  }
}

/** Scans, splits, decodes and checks the data a plan names; paths are relative to `baseDir`. */
export async function loadData(plan: DataPlan, baseDir: string, options: LoadOptions = {}): Promise<LoadedData> {
  const scanned = await scanImageFolder(path.resolve(baseDir, plan.directory));
  options.onClasses?.(scanned.classes);
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
  const decode = decodeOptionsOf(plan);
  const all = [...training, ...validation];
  assertFitsInMemory(all.length, decode);
  const checked = await checkImages(all, { ...decode, concurrency: options.concurrency, onProgress: options.onProgress });
  const skipped = applyBadImagePolicy(checked.bad, all.length, plan.onBadImage);
  if (skipped !== null) warnings.push(skipped);
  const inTraining = new Set(training);
  const trainingSet = toDataset(scanned.classes, decode, checked.good.filter((g) => inTraining.has(g.item)));
  assertEveryClassLeft(scanned.classes, trainingSet, 'training set');
  const validationSet =
    plan.validation.mode === 'none' ? null : toDataset(scanned.classes, decode, checked.good.filter((g) => !inTraining.has(g.item)));
  return { classes: scanned.classes, training: trainingSet, validation: validationSet, warnings };
}

/**
 * Loads another labelled folder with the training classes (an `evaluate` folder): scanned,
 * decoded and checked like the training data.
 */
export async function loadLabelledFolder(
  dir: string,
  classes: readonly string[],
  options: DecodeOptions & LoadOptions & { onBadImage: 'fail' | 'skip'; role: string },
): Promise<{ dataset: ImageDataset; warnings: string[] }> {
  const scanned = await scanImageFolder(dir, { expectedClasses: classes, role: options.role });
  assertFitsInMemory(scanned.items.length, options);
  const checked = await checkImages(scanned.items, options);
  const skipped = applyBadImagePolicy(checked.bad, scanned.items.length, options.onBadImage);
  return { dataset: toDataset([...classes], options, checked.good), warnings: skipped === null ? scanned.warnings : [...scanned.warnings, skipped] };
}
