// A stage trained whole, and the same stage resumed on another model from what it handed out after
// one epoch (state, optimizer state, weights): what `tlc run --resume` does after an interruption.
// The tests compare the resumed epochs with the uninterrupted run's.
import * as tf from '@tensorflow/tfjs';
import type { StageResult, StageState } from '../../src/engine/engine';
import type { NamedTensor } from '../../src/train/optimizer';
import { runStage, type StageRun } from '../../src/train/stage';

/** Runs `run` on `whole`, then on `again` resumed from the end of epoch `after` (`again`'s weights are replaced); disposes what it saved. */
export async function trainThenResume(
  whole: tf.LayersModel,
  again: tf.LayersModel,
  run: Omit<StageRun, 'model' | 'tail' | 'onEpoch' | 'resume'>,
  after = 2,
): Promise<{ uninterrupted: StageResult; resumed: StageResult }> {
  const saved: { state?: StageState; optimizer?: NamedTensor[]; weights?: tf.Tensor[] } = {};
  const uninterrupted = await runStage({
    ...run,
    model: whole,
    tail: whole,
    onEpoch: (record, _best, state, optimizer) => {
      if (record.epoch !== after) return;
      saved.state = JSON.parse(JSON.stringify(state)) as StageState;
      saved.optimizer = optimizer.map((w) => ({ name: w.name, tensor: tf.keep(w.tensor.clone()) }));
      saved.weights = whole.getWeights().map((w) => tf.keep(w.clone()));
    },
  });
  again.setWeights(saved.weights!);
  const resumed = await runStage({ ...run, model: again, tail: again, resume: { state: saved.state!, best: null, optimizer: saved.optimizer! } });
  tf.dispose([...saved.weights!, ...saved.optimizer!.map((w) => w.tensor)]);
  return { uninterrupted, resumed };
}
