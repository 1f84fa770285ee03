// Phase 4, model: the plan's backbone (zoo), its starting weights (the file the preflight found
// or downloaded: an .h5 or a tfjs model) and head, as one model; a resumed run then takes the weights of its last epoch.
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { assembleModel, type WeightsFileOnDisk } from '../../model/assemble';
import { weightsFromDir } from '../checkpoints';
import type { RunContext } from '../context';
import type { RunState } from '../resume';
import { RUN_FILES } from '../run-folder';

export interface RunModel {
  model: tf.LayersModel;
  /** The backbone's layer names. */
  backboneLayers: ReadonlySet<string>;
}

export async function buildModel(run: RunContext, resumed: RunState | null, weights: WeightsFileOnDisk | null): Promise<RunModel> {
  const { plan, options, log, runDir } = run;
  // The weights file was found (or downloaded) by the preflight, before the data was read.
  const assembled = await assembleModel(plan, { baseDir: options.baseDir, ...(weights ? { weights } : {}) });
  const { model, backboneLayers } = assembled;
  if (assembled.weightsNote) log.line(assembled.weightsNote);
  if (resumed) {
    const last = await weightsFromDir(join(runDir, RUN_FILES.last), model);
    model.setWeights(last);
    last.forEach((t) => t.dispose());
    const next = plan.stages[resumed.stageIndex];
    // Past the last stage (a finished run, or one stopped while evaluating or exporting): no
    // training is left, which "stage (done) after epoch 0" did not say.
    log.line(next
      ? `resuming ${runDir}: stage ${next.name} after epoch ${resumed.stage.completedEpochs}`
      : `resuming ${runDir}: every stage is trained; nothing to train, evaluating and exporting again`);
  }
  return { model, backboneLayers };
}
