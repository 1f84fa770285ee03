// `tlc run FILE --engine torch --import JOB_DIR`: a job folder that `--emit` wrote and a cluster
// trained comes back as a run. An engine that trains nothing: the first stage puts the job's
// trained weights (trained.safetensors, mapped back by weights.json) into the model, and every
// stage hands the run its epochs as the trainer recorded them (epochs.jsonl); the run then
// evaluates, exports and reports as after any training.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRecord, StageEvents, StageJob, StageOutcome, TrainingEngine } from '../../engine/engine';
import { RunError, runtimeMessages } from '../../messages';
import type { TorchWeight } from './generate';
import { generateTorchModule } from './generate';
import { JOB_FILES } from './job';
import { loadTorchWeights } from './weights';

interface Recorded {
  record: EpochRecord;
  best: boolean;
}

export function importedTorchEngine(dir: string): TrainingEngine {
  const trained = join(dir, JOB_FILES.trained);
  if (!existsSync(trained)) throw new RunError(runtimeMessages.torchLeftNoWeights(trained));
  const recorded: Recorded[] = existsSync(join(dir, JOB_FILES.epochs))
    ? readFileSync(join(dir, JOB_FILES.epochs), 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Recorded)
    : [];
  let loaded = false;
  return {
    name: 'torch (imported)',
    async trainStage(job: StageJob, events: StageEvents): Promise<StageOutcome> {
      if (!loaded) {
        // The map the job was written with must be the one this plan's model generates.
        const map = JSON.parse(readFileSync(join(dir, JOB_FILES.map), 'utf8')) as TorchWeight[];
        const own = generateTorchModule(job.model).weights.map((w) => w.torch).sort();
        if (JSON.stringify(map.map((w) => w.torch).sort()) !== JSON.stringify(own)) {
          throw new RunError(runtimeMessages.torchLeftNoWeights(`${trained}: another model's weights`));
        }
        loadTorchWeights(job.model, map, readFileSync(trained));
        loaded = true;
        events.line(`imported the trained weights of ${dir}`);
      }
      const own = recorded.filter((r) => r.record.stage === job.stage.name);
      let bestEpoch = -1;
      for (const { record, best } of own) {
        if (best) bestEpoch = record.epoch;
        await events.epoch({
          record, best,
          state: { completedEpochs: record.epoch, checkpoint: { best: null, bestEpoch, waited: 0 }, early: null, stopped: false },
          optimizer: new Uint8Array(0),
        });
      }
      const last = own[own.length - 1]?.record.epoch ?? 0;
      return { epochs: own.map((r) => r.record), stoppedEarly: last < job.epochs && own.length > 0, bestEpoch, trunk: 'none (trained by PyTorch elsewhere)', trunkImages: 0, backend: 'torch (imported)' };
    },
  };
}
