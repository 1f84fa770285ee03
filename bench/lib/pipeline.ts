// The pieces runPlan puts together for one training stage, composed here so a benchmark can time
// them apart: decoded data, the model assembled and frozen as the stage says, split at the freeze
// point, the tail's training kernels ensured, and the trunk started on the runtime a run uses by
// default (onnxruntime; its graph exported into a temporary folder, not the user's cache).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import { applyFreeze, assembleModel, loadData, selectBackend, splitAtFreezePoint, startTrunkRuntime, TrunkRunner, type LoadedData } from '@tlc/runtime';
import { ensureTrainingKernels } from '../../packages/runtime/src/engines/tfjs/kernels';
import { EXAMPLES_DIR } from './fashion-plan';

export interface StagePieces {
  data: LoadedData;
  model: tf.LayersModel;
  tail: tf.LayersModel;
  /** A fresh runner over the trunk on onnxruntime (imagesSeen counts its images). */
  runner(): TrunkRunner;
  engine: string;
  dispose(): Promise<void>;
}

/** Sets up the plan's first stage on the wasm backend with the trunk on onnxruntime. */
export async function stagePieces(plan: Plan): Promise<StagePieces> {
  await selectBackend('wasm');
  const data = await loadData(plan.data!, EXAMPLES_DIR);
  const { model, backboneLayers } = await assembleModel(plan, { baseDir: EXAMPLES_DIR });
  const stage = plan.stages[0]!;
  applyFreeze(model, { frozen: new Set(stage.frozenLayers), backbone: backboneLayers, batchNormInference: stage.batchNormInference });
  const split = splitAtFreezePoint(model, new Set(stage.frozenLayers));
  await ensureTrainingKernels(split.tail);
  const cacheDir = mkdtempSync(join(tmpdir(), 'tlc-bench-onnx-'));
  const started = await startTrunkRuntime(split.trunk!, 'onnx', { cacheDir, preprocess: plan.preprocess });
  return {
    data,
    model,
    tail: split.tail,
    runner: () => new TrunkRunner(split.trunk, plan.preprocess, started.onnx),
    engine: started.description,
    async dispose() {
      await started.onnx?.dispose();
      model.dispose();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
