// The torch engine's training: the plan's stages from the model's current weights, executed by
// PyTorch (tlc_torch.trainer under torch.distributed.run) in a job folder under the run folder;
// each epoch is reported back as the tfjs engine reports it, and the trained weights (best of each
// stage restored, as the tfjs engine does) come back into the tfjs model, so evaluation, export,
// predict and the report are the tfjs runtime's own.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import type { LoadedData } from '../../data/load';
import type { BatchProgress, EpochRecord } from '../../train/stage';
import { RunError } from '../../run/errors';
import { JOB_FILES, writeJob, type TorchDevice } from './job';
import { launchTrainer } from './launch';
import { findTorchPython } from './python';
import { loadTorchWeights } from './weights';

/** The job folder inside a run folder. */
export const TORCH_DIR = 'torch';

export interface TorchTrainOptions {
  plan: Plan;
  model: tf.LayersModel;
  backboneLayers: ReadonlySet<string>;
  data: LoadedData;
  /** The data folder (image paths in the job are relative to it). */
  dataRoot: string;
  runDir: string;
  epochs?: number;
  nproc: number;
  device: TorchDevice;
  /** Continue from the job folder's checkpoint. */
  resume?: boolean;
  /** Threads per process (default: the machine's cores shared out). */
  threads?: number;
  note?(line: string): void;
  onBatch?(progress: BatchProgress): void;
  onEpoch?(record: EpochRecord, best: boolean): void | Promise<void>;
}

export interface TorchStageResult {
  stage: string;
  stoppedEarly: boolean;
  bestEpoch: number;
}

export async function trainWithTorch(options: TorchTrainOptions): Promise<TorchStageResult[]> {
  const torch = findTorchPython();
  if (options.device === 'cuda' && !torch.cuda) {
    throw new RunError('TL4320', `--device cuda: PyTorch ${torch.torchVersion} (${torch.python}) sees no CUDA GPU; run with --device cpu, or install a CUDA build of PyTorch`);
  }
  const dir = join(options.runDir, TORCH_DIR);
  const resume = options.resume === true && existsSync(join(dir, JOB_FILES.checkpoint));
  const job = writeJob(dir, { ...options, resume });
  const cores = (await import('node:os')).availableParallelism();
  const threads = options.threads ?? Math.max(1, Math.floor(cores / options.nproc));
  options.note?.(`torch engine: PyTorch ${torch.torchVersion}, ${options.nproc} process${options.nproc === 1 ? '' : 'es'} on ${options.device}${options.device === 'cpu' ? ` (gloo, ${threads} thread${threads === 1 ? '' : 's'} each)` : ' (nccl)'}, job folder ${dir}`);
  const results: TorchStageResult[] = [];
  const epochs: Promise<void>[] = [];
  await launchTrainer(dir, {
    nproc: options.nproc,
    threads,
    onBatch: options.onBatch,
    onEpoch: (record, best) => {
      const done = options.onEpoch?.(record, best);
      if (done) epochs.push(done);
    },
    onStage: (stage, stoppedEarly, bestEpoch) => results.push({ stage, stoppedEarly, bestEpoch }),
  });
  await Promise.all(epochs);
  loadTorchWeights(options.model, job.weights, readFileSync(join(dir, JOB_FILES.trained)));
  return results;
}
