// The tfjs engine: trains a plan's stages on TensorFlow.js (the backend chosen in backend/), the
// frozen trunk forward only (onnxruntime or tfjs, onnx/), the trainable tail in a custom loop
// (train/). The default engine, and the reference for any other.
import type { TrainingEngine } from '../../engine/engine';
import { trainStage } from './train-stage';

// Frozen layers get no updates and their BatchNormalization runs in inference mode (model/freeze.ts).
export const tfjsEngine: TrainingEngine = { name: 'tfjs', frozenWeightsStay: true, trainStage };
