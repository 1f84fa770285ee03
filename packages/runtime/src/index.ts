// @tlc/runtime: executes a validated plan — backend selection, the data pipeline and
// augmentation, model assembly, the run in phases (run/run-plan.ts), the training engines behind
// one interface (engine/engine.ts; tfjs in engines/tfjs/: freezing and the trunk/tail split,
// training stages, the feature cache; torch in engines/torch/: PyTorch, under torchrun for
// several processes), evaluation, export, predict, embed and run folders.
export * from './backend/index';
export * from './onnx/index';
export * from './random';
export { scanImageFolder, type ImageItem, type ScannedFolder } from './data/scan';
export { splitValidation } from './data/split';
export { checkImages, applyBadImagePolicy } from './data/check';
export { decodeImage, BadImageError } from './data/decode';
export { RunError, RUNTIME_CODES, runtimeMessages, type RuntimeCode, type RuntimeMessage } from './messages';
export { loadData, type LoadedData } from './data/load';
export { memoryShare, MEMORY_SHARE_VARIABLE } from './data/memory';
export { defaultPixelCacheDir } from './data/pixel-cache';

export { runPlan, type RunOptions, type RunSummary, type StageSummary } from './run/run-plan';
export { RunLog, type RunLogOptions } from './run/progress';
export { RUN_FILES } from './run/run-folder';
export { TrainingDiverged } from './train/diverged';
export { runStage, type StageRun } from './train/stage';
export type { TrainingEngine, StageJob, StageEvents, StageOutcome, StageResume, EpochCheckpoint, EpochRecord, BatchProgress, StageState, StageResult } from './engine/engine';
export { tfjsEngine } from './engines/tfjs/index';
export { CachedFeatures } from './features/cache';
export { LiveFeatures } from './features/live';
export { TrunkRunner } from './features/trunk';
export type { FeatureSource, PixelSource } from './features/source';
export { pixelSource } from './run/pixels';
export { assembleModel, buildPlanBackbone, checkHeadFitsClasses } from './model/assemble';
export { applyFreeze, isInferenceMode } from './model/freeze';
export { splitAtFreezePoint, singleTensorCutPoints } from './model/split';
export { preprocess } from './model/preprocess';
export { predictFiles, predictImages, loadExportedModel, ttaFlipsUnseen, type Prediction, type PredictReport } from './export/predict';
export type { SkippedImage } from './export/images';
export { embedFiles, type Embedding } from './export/embed';
export { exportModel } from './export/export';
export { classificationMetrics, type Metrics, type ClassReport } from './evaluate/metrics';
export type { Evaluation, Misclassified } from './evaluate/evaluate';
export { emitTorchJob, torchAvailable } from './engines/torch/index';
export { lrFind, LR_FIND_FILES, type LrFindOptions, type LrFindResult } from './lr-find/lr-find';
export { augmentPreview, contactSheet, defaultPreviewPath, type AugmentPreviewOptions, type AugmentPreviewResult } from './preview/augment-preview';
