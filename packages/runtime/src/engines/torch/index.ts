// The torch engine: trains a plan's stages in PyTorch on this machine (one process alone, or data
// parallel over --nproc processes under torch.distributed.run, gloo on cpu, nccl on cuda). Per
// stage it writes a job folder under the run folder (the model generated from the zoo's Keras
// graph, its current weights as safetensors, the file lists, the resolved stage), launches the
// trainer (python/tlc_torch/trainer.py), and turns its progress back into the run's events: after each
// epoch the epoch's weights come back into the tfjs model, so the run writes its own checkpoints,
// state.json and metrics.csv as for any engine (and --resume works), and at the end of the stage
// the best weights. Evaluation, export, predict and the report stay the run's.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { EpochRecord, StageEvents, StageJob, StageOutcome, TrainingEngine } from '../../engine/engine';
import { RunError, runtimeMessages } from '../../messages';
import { JOB_FILES, writeJob, type TorchDevice } from './job';
import { launchTrainer } from './launch';
import { findTorchPython } from './python';
import { encodeSafetensors } from './safetensors';
import type { TorchWeight } from './generate';
import { loadTorchWeights } from './weights';
import { permute } from '../../onnx/permute';

export { emitTorchJob } from './emit';
export { importedTorchEngine } from './import';
export { findTorchPython, torchAvailable } from './python';
export type { TorchDevice } from './job';

/** The job folders inside a run folder. */
export const TORCH_DIR = 'torch';

export interface TorchEngineOptions {
  nproc: number;
  device: TorchDevice;
  /** Threads per process (default: this machine's cores shared out). */
  threads?: number;
}

export function torchEngine(options: TorchEngineOptions): TrainingEngine {
  return { name: 'torch', trainStage: (job, events) => trainStage(options, job, events) };
}

/** The stage's folder in the run folder. */
export function stageDir(runDir: string, index: number, stage: string): string {
  return join(runDir, TORCH_DIR, `${index + 1}-${stage}`);
}

async function trainStage(options: TorchEngineOptions, job: StageJob, events: StageEvents): Promise<StageOutcome> {
  const torch = findTorchPython();
  if (options.device === 'cuda' && !torch.cuda) {
    throw new RunError(runtimeMessages.noCudaForTorch(torch.torchVersion, torch.python));
  }
  const { model, index, stage } = job;
  if (options.device === 'cuda' && stage.precision === 'bf16' && torch.gpu && !torch.gpu.bf16) {
    throw new RunError(runtimeMessages.noBf16OnGpu(stage.name, torch.gpu.name));
  }
  const dir = stageDir(job.runDir, index, stage.name);
  rmSync(dir, { recursive: true, force: true });
  const written = writeJob(dir, {
    plan: job.plan, model, backboneLayers: job.backboneLayers, dataPlan: job.data.plan, data: job.data,
    stages: [index], epochs: job.epochs, device: options.device, nproc: options.nproc, handBack: true,
    resume: job.resume?.state ?? null,
  });
  if (job.resume?.optimizer) writeFileSync(join(dir, JOB_FILES.resumeOptimizer), job.resume.optimizer);
  if (job.resume?.best) writeFileSync(join(dir, JOB_FILES.resumeBest), encodeWeights(model, written.weights, await job.resume.best()));
  // TLC_TORCH_THREADS: threads per process (on a machine other jobs load, 1 avoids OpenMP's
  // threads waiting on each other: docs/scaling.md measured 10x slower steps with 2 there).
  const own = Number(process.env.TLC_TORCH_THREADS);
  const threads = options.threads ?? (Number.isInteger(own) && own > 0 ? own : Math.max(1, Math.floor(availableParallelism() / options.nproc)));
  const processes = `${options.nproc} process${options.nproc === 1 ? '' : 'es'}`;
  const precision = stage.precision === 'bf16' ? ', bfloat16 autocast' : '';
  events.line(`stage ${stage.name}: PyTorch ${torch.torchVersion} trains the whole model, ${processes} on ${options.device}${options.device === 'cpu' ? ` (gloo, ${threads} thread${threads === 1 ? '' : 's'} each${precision})` : ` (nccl${precision})`}; job folder ${dir}`);

  const records: EpochRecord[] = [];
  let outcome: { stoppedEarly: boolean; bestEpoch: number } | null = null;
  // Epochs are handed to the run one after another, each with its own weights in the model. The
  // first one the run fails to take (a checkpoint it cannot write) stops the trainer, and the
  // stage fails with that error once the trainer has exited: the run folder keeps the epoch before.
  let chain: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const stopTrainer = new AbortController();
  const trainer = launchTrainer(dir, {
    failureNote: `the run folder keeps every completed epoch: \`tlc run --resume ${job.runDir}\` continues from the last one`,
    nproc: options.nproc,
    threads,
    signal: stopTrainer.signal,
    onBatch: (p) => {
      if (!failure) events.batch(p);
    },
    onEpoch: (event) => {
      chain = chain.then(async () => {
        if (failure) return;
        const weights = join(dir, event.weights);
        const optimizer = join(dir, event.optimizer);
        loadTorchWeights(model, written.weights, readFileSync(weights));
        const record = event.record;
        records.push(record);
        await events.epoch({ record, best: event.best, state: event.state, optimizer: readFileSync(optimizer) });
        rmSync(weights, { force: true });
        rmSync(optimizer, { force: true });
      }).catch((error: unknown) => {
        failure ??= { error };
        stopTrainer.abort();
      });
    },
    onStage: (_stage, stoppedEarly, bestEpoch) => {
      outcome = { stoppedEarly, bestEpoch };
    },
  });
  // The trainer's end (even a failed one) waits for the epochs it handed over to be taken.
  const ended = await trainer.then(() => null, (error: unknown) => ({ error }));
  await chain;
  if (failure) throw (failure as { error: unknown }).error;
  if (ended) throw ended.error;
  const trained = join(dir, JOB_FILES.trained);
  if (!existsSync(trained) || !outcome) throw new RunError(runtimeMessages.torchLeftNoWeights(trained));
  loadTorchWeights(model, written.weights, readFileSync(trained));
  const result = outcome as { stoppedEarly: boolean; bestEpoch: number };
  return {
    epochs: records,
    stoppedEarly: result.stoppedEarly,
    bestEpoch: result.bestEpoch,
    trunk: 'none (PyTorch trains the whole model)',
    trunkImages: 0,
    backend: `torch (${options.device}, ${processes})`,
  };
}

/** Weights given in model.weights order as safetensors under the state_dict keys. */
function encodeWeights(model: tf.LayersModel, map: TorchWeight[], tensors: tf.Tensor[]): Uint8Array {
  const byName = new Map(model.weights.map((w, i) => [w.originalName, tensors[i]]));
  const out = encodeSafetensors(map.map((w) => {
    const data = byName.get(w.tfjs)!.dataSync() as Float32Array;
    return { name: w.torch, shape: w.torchShape, data: w.perm ? permute(data, w.tfjsShape, w.perm).data : data };
  }));
  tensors.forEach((t) => t.dispose());
  return out;
}
