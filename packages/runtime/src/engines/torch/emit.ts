// `tlc run FILE --engine torch --emit DIR`: the job folder alone, to carry to a cluster, with the
// commands that run it on one node, on several (torchrun's c10d rendezvous) and under SLURM.
import { writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plan } from '@tlc/plan';
import { selectBackend } from '../../backend/index';
import { assembleModel } from '../../model/assemble';
import type { RunLog } from '../../run/progress';
import { loadRunData } from '../../run/phases/data';
import { writeJsonAtomic } from '../../run/atomic';
import { JOB_FILES, writeJob, type TorchDevice } from './job';

export interface EmitOptions {
  baseDir: string;
  data?: string;
  epochs?: number;
  nproc: number;
  device: TorchDevice;
  dir: string;
  log: RunLog;
  /** The `.tl` text the plan came from, kept for `tlc import-run`'s report. */
  source?: { file: string; text: string };
}

/**
 * Where an emitted job came from, for `tlc import-run`: the folder the plan's relative paths are
 * relative to, the data folder given with --data, and the `.tl` source.
 */
export interface JobOrigin {
  baseDir: string;
  data: string | null;
  source: { file: string; text: string } | null;
}

/** The sbatch script for `nodes` nodes of `nproc` GPUs (or processes) each. */
export function slurmScript(name: string, nodes: number, nproc: number, device: TorchDevice): string {
  return [
    '#!/usr/bin/env bash',
    `#SBATCH --job-name=tlc-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`,
    `#SBATCH --nodes=${nodes}`,
    '#SBATCH --ntasks-per-node=1',
    ...(device === 'cuda' ? [`#SBATCH --gpus-per-node=${nproc}`] : []),
    '# One torchrun per node; they meet at the first node of the allocation.',
    'MASTER=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1):29500',
    '# sbatch runs a copy of this script: submit it from the job folder.',
    'cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")}"',
    `srun python3 -m torch.distributed.run --redirects 2 --tee 2 --nnodes "$SLURM_NNODES" --node_rank "$SLURM_NODEID" --rdzv_backend c10d --rdzv_endpoint "$MASTER" --rdzv_id "$SLURM_JOB_ID" --nproc_per_node ${nproc} -m tlc_torch.trainer .`,
    '',
  ].join('\n');
}

export async function emitTorchJob(plan: Plan, options: EmitOptions): Promise<void> {
  await selectBackend('auto');
  const { plan: data, loaded } = await loadRunData(plan, { baseDir: options.baseDir, data: options.data, engine: 'torch' }, options.log);
  const { model, backboneLayers } = await assembleModel(plan, { baseDir: options.baseDir });
  try {
    writeJob(options.dir, { plan, model, backboneLayers, dataPlan: data, data: loaded, epochs: options.epochs, device: options.device, nproc: options.nproc, handBack: false });
    // What `tlc import-run` needs to make the run folder without the pipeline file.
    writeJsonAtomic(join(options.dir, JOB_FILES.plan), plan);
    const origin: JobOrigin = { baseDir: resolve(options.baseDir), data: options.data === undefined ? null : resolve(options.data), source: options.source ?? null };
    writeJsonAtomic(join(options.dir, JOB_FILES.origin), origin);
  } finally {
    model.dispose();
  }
  writeFileSync(join(options.dir, 'slurm.sh'), slurmScript(plan.name, 2, options.nproc, options.device));
  chmodSync(join(options.dir, 'slurm.sh'), 0o755);
  const log = options.log;
  const validation = loaded.validation?.size ?? 0;
  log.line(`job folder: ${options.dir} (${JOB_FILES.model}, ${JOB_FILES.weights}, ${loaded.training.size} training and ${validation} validation images listed relative to ${data.directory}, the trainer, ${JOB_FILES.launch}, slurm.sh)`);
  log.line('the images stay where they are: on another machine, copy the data folder and set TLC_DATA_ROOT to it');
  log.line(`one node:       cd ${options.dir} && ./${JOB_FILES.launch} ${options.nproc}`);
  log.line('several nodes:  on node R of M (R = 0 .. M-1), with HOST:PORT reachable on node 0:');
  log.line(`  python3 -m torch.distributed.run --nnodes M --node_rank R --rdzv_backend c10d --rdzv_endpoint HOST:PORT --nproc_per_node ${options.nproc} -m tlc_torch.trainer .`);
  log.line(`SLURM:          cd ${options.dir} && sbatch slurm.sh   (2 nodes; edit --nodes)`);
  log.line(`afterwards the folder holds ${JOB_FILES.trained} (the trained weights, PyTorch state_dict keys) and ${JOB_FILES.epochs}; a rerun of ${JOB_FILES.launch} continues from ${JOB_FILES.checkpoint}`);
  log.line(`back here: tlc import-run ${options.dir}   (evaluates, exports and reports the trained weights as a run folder)`);
}
