// Phase 5, stages: each stage of the plan trained by the engine, from where a resumed run left
// off. After every epoch the run folder is brought up to date before the epoch's line is printed,
// as one commit (run/epoch-commit.ts): metrics.csv, checkpoints/best (when the epoch is the best
// so far) and checkpoints/last and the optimizer's state are staged, then state.json committed; a
// stage ends with its best weights restored and committed as checkpoints/last, where the next
// stage (or a resume) starts. With an engine that leaves frozen layers alone, the stage's frozen
// weights are written once (checkpoints/frozen/, run/checkpoints.ts) and the epoch's saves write
// only the rest.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { saveModelToDir, type SharedShard } from '@tlc/zoo';
import type { EpochRecord, StageResume, StageState, TrainingEngine } from '../../engine/engine';
import { writeFileAtomic } from '../atomic';
import { commitEpochSave } from '../epoch-commit';
import { testExitPoint } from '../test-exit';
import { writingRunFolder } from '../write-error';
import { pruneFrozenShards, readOptimizerFile, weightsFromDir, writeFrozenShard } from '../checkpoints';
import { memoryBudget, memoryShare } from '../../data/memory';
import { MEMORY_CACHE_BYTES } from '../../engines/tfjs/features';
import { torchHintOnce } from '../../engines/torch/hint';
import { runtimeMessages } from '../../messages';
import type { RunContext } from '../context';
import { writeMetricsCsv } from '../metrics-csv';
import type { RunState } from '../resume';
import { RUN_FILES } from '../run-folder';
import type { RunData } from './data';
import type { RunModel } from './model';

export interface TrainedStages {
  /** Every epoch of every stage, a resumed run's earlier ones included. */
  records: EpochRecord[];
  /** Images through the frozen trunk, per stage index. */
  trunkImages: number[];
  /** The last stage's trunk ('none' when no stage ran). */
  trunk: string;
  /** The backend an engine moved the run to, if it did. */
  backend: string | null;
}

export async function trainStages(engine: TrainingEngine, run: RunContext, data: RunData, { model, backboneLayers }: RunModel, resumed: RunState | null): Promise<TrainedStages> {
  const { plan, options, log, runDir, guard } = run;
  const trained: TrainedStages = {
    records: resumed ? [...resumed.records] : [],
    trunkImages: resumed ? [...resumed.trunkImages] : [],
    trunk: 'none',
    backend: null,
  };
  const { records, trunkImages } = trained;
  const runState = (stageIndex: number, stage: StageState): RunState => ({
    version: 1, baseDir: options.baseDir, data: options.data ?? null, epochs: options.epochs ?? null,
    stageIndex, stage, records, trunkImages,
    ...(options.engine === 'torch' ? { engine: { name: 'torch' as const, nproc: options.nproc ?? 1, device: options.device ?? 'cpu' } } : {}),
  });
  const bestDir = join(runDir, RUN_FILES.best);
  // A stage's end: the model (its best weights, restored) committed as checkpoints/last, and the
  // state of the next stage.
  const endStage = (index: number, name: string, frozen: SharedShard | null) => guard.whileWriting(() => writingRunFolder(runDir, async () => {
    await saveModelToDir(model, join(runDir, RUN_FILES.pending.last), {}, frozen);
    commitEpochSave(runDir, runState(index + 1, { completedEpochs: 0, checkpoint: { best: null, bestEpoch: -1, waited: 0 }, early: null, stopped: false }), `end/${name}`);
    pruneFrozenShards(runDir);
  }));
  // A tfjs run that PyTorch would train much faster says so, once (engines/torch/hint.ts).
  const hint = torchHintOnce((text) => log.line(text));
  // `precision bf16` is the torch engine's; tfjs trains those stages in float32 and says so once.
  const bf16 = plan.stages.filter((s) => s.precision === 'bf16').map((s) => s.name);
  if (engine.name === 'tfjs' && bf16.length > 0) {
    const warning = runtimeMessages.bf16OnTfjs(bf16);
    log.line(`warning[${warning.code}]: ${warning.message}\nhelp: ${warning.help}`);
  }
  for (const [index, stage] of plan.stages.entries()) {
    if (resumed && index < resumed.stageIndex) continue;
    const resumeState = resumed && index === resumed.stageIndex ? resumed.stage : null;
    const epochs = options.epochs ?? stage.epochs;
    if (resumeState && (resumeState.stopped || resumeState.completedEpochs >= epochs)) {
      // Stopped between the stage's last epoch and its end: the end is done now (best weights restored).
      if (existsSync(join(bestDir, 'model.json'))) {
        const best = await weightsFromDir(bestDir, model);
        model.setWeights(best);
        best.forEach((t) => t.dispose());
      }
      const frozen = engine.frozenWeightsStay ? await guard.whileWriting(() => writeFrozenShard(runDir, model, new Set(stage.frozenLayers))) : null;
      await endStage(index, stage.name, frozen);
      continue;
    }
    const resume: StageResume | null = resumeState && {
      state: resumeState,
      best: resumeState.completedEpochs > 0 && existsSync(join(bestDir, 'model.json')) ? () => weightsFromDir(bestDir, model) : null,
      optimizer: resumeState.completedEpochs > 0 ? readOptimizerFile(runDir) : null,
    };
    const frozen = engine.frozenWeightsStay ? await guard.whileWriting(() => writeFrozenShard(runDir, model, new Set(stage.frozenLayers))) : null;
    if (engine.name === 'tfjs') hint(model, backboneLayers, stage);
    const outcome = await engine.trainStage(
      {
        plan, index, stage, epochs, model, backboneLayers,
        data: { plan: data.plan, classes: data.loaded.classes, training: data.loaded.training, validation: data.loaded.validation },
        runDir, trunk: options.trunk ?? 'auto', resume,
        // Feature caches in memory: at most 1 GiB, and never more than the memory share.
        memoryCacheBytes: Math.min(options.memoryCacheBytes ?? MEMORY_CACHE_BYTES, memoryBudget(memoryShare(options.memoryShare))),
      },
      {
        line: (text) => log.line(text),
        batch: (progress) => log.batch(progress),
        // The epoch's files are all written (state.json last) before its line is printed.
        epoch: ({ record, best, state, optimizer }) => guard.whileWriting(() => writingRunFolder(runDir, async () => {
          records.push(record);
          const epochName = `${stage.name}/${record.epoch}`;
          writeMetricsCsv(join(runDir, RUN_FILES.pending.metrics), records);
          if (best) await saveModelToDir(model, join(runDir, RUN_FILES.pending.best), {}, frozen);
          await saveModelToDir(model, join(runDir, RUN_FILES.pending.last), {}, frozen);
          testExitPoint('after-last-checkpoint', epochName);
          writeFileAtomic(join(runDir, RUN_FILES.pending.optimizer), optimizer);
          commitEpochSave(runDir, runState(index, state), epochName);
          guard.epochSaved(stage.name, record.epoch);
          log.epoch(record, epochs, stage.schedule.kind !== 'constant');
        })),
      },
    );
    trained.trunk = outcome.trunk;
    if (outcome.backend) trained.backend = outcome.backend;
    trunkImages[index] = (trunkImages[index] ?? 0) + outcome.trunkImages;
    // The stage ends with its best weights restored: the next stage (or a resume) starts there.
    await endStage(index, stage.name, frozen);
    if (outcome.stoppedEarly) log.line(`stage ${stage.name}: early stop after epoch ${records[records.length - 1].epoch}; best epoch ${outcome.bestEpoch} restored`);
  }
  return trained;
}
