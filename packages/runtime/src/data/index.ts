// The data pipeline: class folders -> validation split -> decoded, checked images -> batches.
export { loadData, loadLabelledFolder, decodeOptionsOf } from './load';
export type { LoadedData, LoadOptions } from './load';
export { scanImageFolder, assertSafeClassFolder } from './scan';
export type { ImageItem, ScannedFolder, ScanOptions } from './scan';
export { listImageFiles } from './walk';
export type { ListedFile } from './walk';
export { IMAGE_EXTENSIONS, isImageFileName } from './extensions';
export { splitValidation } from './split';
export type { ValidationSplit } from './split';
export { decodeImage, BadImageError, channelsOf } from './decode';
export type { DecodeOptions } from './decode';
export { checkImages, applyBadImagePolicy } from './check';
export type { BadImage, CheckedImages, CheckOptions } from './check';
export { ImageDataset } from './dataset';
export type { Batch, BatchOptions, DatasetContents } from './dataset';
