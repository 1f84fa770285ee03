// A torch job folder: everything the trainer needs, self-contained so it can be copied to a
// cluster: job.json (the plan, resolved stages, file lists), model.py (generated from the
// assembled tfjs model), weights.safetensors (its current weights in PyTorch layouts), the
// tlc_torch package, weights.json (the map back to tfjs names) and launch.sh.
import { cpSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join, relative } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { DataPlan, Plan, StagePlan } from '@tlc/plan';
import type { ImageDataset } from '../../data/dataset';
import { trainingDecodeOptionsOf } from '../../data/load';
import type { StageState } from '../../engine/engine';
import { classWeights } from '../../train/class-weights';
import { isMultiLabel } from '../../train/loss';
import { RunError, runtimeMessages } from '../../messages';
import { writeFileAtomic, writeJsonAtomic } from '../../run/atomic';
import { generateTorchModule, type TorchWeight } from './generate';
import { PYTHON_DIR } from './python';
import { torchWeightsOf } from './weights';

export type TorchDevice = 'cpu' | 'cuda';

export const JOB_FILES = {
  job: 'job.json',
  model: 'model.py',
  weights: 'weights.safetensors',
  map: 'weights.json',
  launch: 'launch.sh',
  package: 'tlc_torch',
  trained: 'trained.safetensors',
  checkpoint: 'checkpoint.pt',
  epochs: 'epochs.jsonl',
  resumeOptimizer: 'resume-optimizer.pt',
  resumeBest: 'resume-best.safetensors',
  /** Written by --emit: the plan and where it came from, for `tlc import-run`. */
  plan: 'plan.json',
  origin: 'origin.json',
} as const;

export interface JobOptions {
  plan: Plan;
  model: tf.LayersModel;
  backboneLayers: ReadonlySet<string>;
  /** The data statement (directory absolute: image paths are written relative to it; the trainer reads TLC_DATA_ROOT instead when set). */
  dataPlan: DataPlan;
  data: { classes: string[]; training: ImageDataset; validation: ImageDataset | null };
  /** The plan's stages this job trains, by index (default: all). */
  stages?: number[];
  /** Per-stage epoch override (`--epochs`). */
  epochs?: number;
  device: TorchDevice;
  /** Processes per node the launch script starts by default. */
  nproc: number;
  /**
   * Inside a tlc run: the trainer hands every epoch's weights and optimizer state back (files
   * epoch-S-E.safetensors and optimizer-S-E.pt) for the run's own checkpoints. Otherwise (an
   * emitted job) it keeps checkpoint.pt, which a rerun of launch.sh continues from.
   */
  handBack: boolean;
  /** Continue the (one) stage from this state; its optimizer and best weights as files beside. */
  resume?: StageState | null;
}

export interface WrittenJob {
  dir: string;
  weights: TorchWeight[];
}

/** The trainer's command line, run from the job folder. */
export function trainerArgs(nproc: number, extra: string[] = []): string[] {
  // --redirects 2 --tee 2: Python 3.11 breaks the launcher's default (no redirects); stderr is
  // kept per worker and echoed, stdout (the progress lines) passes straight through.
  return ['-m', 'torch.distributed.run', '--redirects', '2', '--tee', '2', '--nproc_per_node', String(nproc), ...extra, '-m', 'tlc_torch.trainer', '.'];
}

/** What a job folder cannot hold is refused before any file is written. */
function checkSupported(stages: readonly StagePlan[]): void {
  // `tlc run` resolves `batch auto` before the engine sees the plan; a job folder written for
  // another machine (`--emit`) cannot know that machine's memory.
  const auto = stages.find((stage) => stage.batchSize === 'auto');
  if (auto) throw new RunError(runtimeMessages.torchJobBatchAuto(auto.name));
}

/** Each image's labels, as the class indices of its multi-hot targets. */
function labelSets(d: ImageDataset): number[][] {
  const classes = d.classes.length;
  return Array.from({ length: d.size }, (_, i) => {
    const own: number[] = [];
    for (let c = 0; c < classes; c++) if (d.targets[i * classes + c]) own.push(c);
    return own;
  });
}

export function writeJob(dir: string, options: JobOptions): WrittenJob {
  const { plan, model, data } = options;
  const indices = options.stages ?? plan.stages.map((_, i) => i);
  checkSupported(indices.map((i) => plan.stages[i]));
  mkdirSync(dir, { recursive: true });
  const generated = generateTorchModule(model, { title: `pipeline "${plan.name}"` });
  const [height, width, channels] = generated.inputShape;
  const dataRoot = options.dataPlan.directory;
  const trainingDecode = trainingDecodeOptionsOf(options.dataPlan);
  // A multi-label head (a sigmoid over several classes): every image's labels as class indices
  // (a labels file's several, or none), the trainer's multi-hot targets.
  const multiLabel = isMultiLabel(plan.head);
  const list = (d: ImageDataset) => ({
    files: d.files.map((f) => relative(dataRoot, f)),
    labels: Array.from(d.labels),
    ...(multiLabel ? { targets: labelSets(d) } : {}),
  });
  const job = {
    version: 1,
    name: plan.name,
    device: options.device,
    image: [height, width, channels],
    preprocess: plan.preprocess,
    head: { outputUnits: plan.head.outputUnits, outputActivation: plan.head.outputActivation },
    backboneLayers: [...options.backboneLayers],
    classes: data.classes,
    dataRoot,
    seed: options.dataPlan.seed,
    shuffle: options.dataPlan.shuffle,
    resize: options.dataPlan.resize,
    augment: options.dataPlan.augment,
    // The training images' decode size: the model's, or for `random crop` the larger source size
    // the windows are cut from (the tfjs runtime's, so both engines crop the same pixels).
    trainingImage: [trainingDecode.height, trainingDecode.width],
    handBack: options.handBack,
    resume: options.resume ?? null,
    stages: indices.map((index) => {
      const stage = plan.stages[index];
      return {
        ...stage,
        index,
        epochs: options.epochs ?? stage.epochs,
        classWeights: classWeights(stage.classWeights, data.classes, data.training.labels),
      };
    }),
    train: list(data.training),
    validation: data.validation && data.validation.size > 0 ? list(data.validation) : null,
  };
  writeJsonAtomic(join(dir, JOB_FILES.job), job);
  writeFileAtomic(join(dir, JOB_FILES.model), generated.source);
  writeFileAtomic(join(dir, JOB_FILES.weights), torchWeightsOf(model, generated.weights));
  writeJsonAtomic(join(dir, JOB_FILES.map), generated.weights);
  cpSync(join(PYTHON_DIR, JOB_FILES.package), join(dir, JOB_FILES.package), { recursive: true, filter: (f) => !f.includes('__pycache__') });
  const launch = [
    '#!/usr/bin/env bash',
    `# Trains the tlc pipeline "${plan.name}" with PyTorch. One node: ./launch.sh [processes per node]`,
    '# Several nodes: set NNODES, NODE_RANK and MASTER (host:port of node 0) on each node.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    `NPROC=\${1:-${options.nproc}}`,
    'PYTHON=${PYTHON:-python3}',
    'if [ -n "${NNODES:-}" ]; then',
    `  exec "$PYTHON" -m torch.distributed.run --redirects 2 --tee 2 --nnodes "$NNODES" --node_rank "$NODE_RANK" --rdzv_backend c10d --rdzv_endpoint "$MASTER" --nproc_per_node "$NPROC" -m tlc_torch.trainer .`,
    'fi',
    '# One node: a free port unless MASTER_PORT gives one (torchrun\'s fixed 29500 would collide with a second job here).',
    'PORT=${MASTER_PORT:-$("$PYTHON" -c \'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])\')}',
    `exec "$PYTHON" ${trainerArgs(0, ['--master_port', '"$PORT"']).join(' ').replace('--nproc_per_node 0', '--nproc_per_node "$NPROC"')}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, JOB_FILES.launch), launch);
  chmodSync(join(dir, JOB_FILES.launch), 0o755);
  return { dir, weights: generated.weights };
}
