// Weights for the zoo's backbones: the ImageNet download cache, Keras .h5 and tfjs model.json
// readers matched to a model by layer name or by order, grayscale adaptation, tfjs model folders, and a
// terminal progress bar other packages may reuse.
export { cacheDir, cachedWeightsPath } from './cache';
export { ensureImagenetWeights, type EnsureWeightsOptions } from './download';
export { damagedWeightsFile, unknownWeightsFile, WEIGHTS_CODES, WeightsError, wrongModelWeightsFile, type WeightsCode } from './errors';
export { adaptKernelToGrayscale, type GrayscaleAdaptation } from './grayscale';
export { loadWeights, type LoadWeightsOptions, type WeightsSourceSpec } from './load';
export { recoverFolder, replaceFolder } from './folder-swap';
export { assertModelFolderReplaceable, MODEL_ONNX, encodeShard, loadModelFromDir, modelDirToRead, saveModelToDir, type ExtraFiles, type SharedShard } from './model-dir';
export type { WeightsMatch } from './pairing';
export { createProgressBar, type ProgressBar, type ProgressBarOptions } from './progress';
export { formatWeightsReport, type WeightsReport } from './report';
export { identifyWeightsFile, type IdentifiedWeightsFile } from './identify';
export { describeUser, knownWeightsFiles, type KnownWeightsFile } from './known-files';
export { addWeightsFile, listWeightsFiles, type AddedWeightsFile, type ListedWeightsFile } from './manage';
export { shippedWeightsDir } from './shipped';
