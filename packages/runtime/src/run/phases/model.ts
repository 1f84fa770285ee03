// Phase 4, model: the plan's backbone (zoo), its starting weights (downloaded, an .h5 or a tfjs
// model) and head, as one model; a resumed run then takes the weights of its last epoch.
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { assembleModel } from '../../model/assemble';
import { weightsFromDir } from '../checkpoints';
import type { RunContext } from '../context';
import type { RunState } from '../resume';
import { RUN_FILES } from '../run-folder';

export interface RunModel {
  model: tf.LayersModel;
  /** The backbone's layer names. */
  backboneLayers: ReadonlySet<string>;
}

export async function buildModel(run: RunContext, resumed: RunState | null): Promise<RunModel> {
  const { plan, options, log, runDir } = run;
  const assembled = await assembleModel(plan, {
    baseDir: options.baseDir,
    onDownload: (received, total) => log.line(`downloading weights: ${(received / 1e6).toFixed(1)}${total ? `/${(total / 1e6).toFixed(1)}` : ''} MB`),
  });
  const { model, backboneLayers } = assembled;
  if (assembled.weightsNote) log.line(assembled.weightsNote);
  if (resumed) {
    const last = await weightsFromDir(join(runDir, RUN_FILES.last), model);
    model.setWeights(last);
    last.forEach((t) => t.dispose());
    log.line(`resuming ${runDir}: stage ${plan.stages[resumed.stageIndex]?.name ?? '(done)'} after epoch ${resumed.stage.completedEpochs}`);
  }
  return { model, backboneLayers };
}
