// The frozen trunk on onnxruntime: tfjs-layers models exported to ONNX (export.ts, one converter
// file per layer group), cached on disk by content (cache.ts), run in a session (session.ts), and
// chosen for a run's trunk by `--trunk auto|onnx|tfjs` (trunk-runtime.ts).
export { exportToOnnx, ONNX_INPUT, ONNX_OUTPUT, ONNX_PROBABILITIES, type ExportOptions } from './export';
export { cachedGraph, graphKey, defaultGraphCacheDir, pruneGraphCache, GRAPH_CACHE_BYTES, type CachedGraph } from './cache';
export { createOnnxTrunk, openOnnxSession, cudaProviderInstalled, defaultProviders, type OnnxTrunk, type OnnxTrunkOptions, type OnnxProvider } from './session';
/** onnxruntime's tensor, for callers that run a session directly (the benchmark's raw rows). */
export { Tensor as OnnxTensor } from 'onnxruntime-node';
export { startTrunkRuntime, TRUNK_RUNTIMES, type TrunkRuntime, type StartedTrunk } from './trunk-runtime';
export { inputTransformFor } from './preprocess';
