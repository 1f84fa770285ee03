// `runPlan` with the torch engine end to end: two gloo processes (DistributedDataParallel, each
// half of every batch) end with the weights one process reaches with the same global batch, and
// the run folder (metrics.csv, evaluation.json, report.html, the exported model that predicts) is
// the one a tfjs run writes. BatchNormalization trains, synchronised over the processes (each
// normalises by the whole global batch's statistics, as one process does: without it the weights
// differ by more than 100%); batch 5 of the 12 training images splits 3 + 2, and the last batch
// 1 + 1. The optimizer is
// SGD with momentum: Adam's first steps move every weight by about ±lr whatever the gradient's
// size, so a gradient at rounding level (a bias starting at zero) can flip between two sums.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunLog, runPlan, predictFiles, loadExportedModel, emitTorchJob } from '../../../src/index';
import { decodeSafetensors } from '../../../src/engines/torch/safetensors';
import { JOB_FILES } from '../../../src/engines/torch/job';
import { stageDir } from '../../../src/engines/torch/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch, torchPython } from './torch-env';

let baseDir: string;
/** Whole runs with Python starts, on 2 busy cores. */
const TIMEOUT = 300_000;

beforeAll(async () => {
  baseDir = tempDir('torch-ddp');
  await writeImageFolder(join(baseDir, 'data'), 8);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

const plan = () => makePlan({
  stages: [stage({
    epochs: 2, batchSize: 5, batchNormInference: false,
    optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null },
  })],
  export: { path: 'exported', format: 'tfjs-layers' },
});

function trained(runDir: string, jobDir = stageDir(runDir, 0, 'train')) {
  return decodeSafetensors(new Uint8Array(readFileSync(join(jobDir, JOB_FILES.trained))));
}

describeTorch('the torch engine under torch.distributed.run', () => {
  it('2 gloo processes reach the weights of 1 process with the same global batch; the run folder is complete', async () => {
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream });
    const one = await runPlan(plan(), { baseDir, out: join(baseDir, 'run-1'), engine: 'torch', nproc: 1, log: new RunLog({ quiet: true }) });
    const two = await runPlan(plan(), { baseDir, out: join(baseDir, 'run-2'), engine: 'torch', nproc: 2, log });

    const a = trained(one.runDir);
    const b = trained(two.runDir);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, t] of a) {
      const other = b.get(name)!.data;
      let scale = 0;
      let worst = 0;
      t.data.forEach((v, i) => {
        scale = Math.max(scale, Math.abs(v));
        worst = Math.max(worst, Math.abs(v - other[i]));
      });
      expect(worst / Math.max(scale, 1e-12), name).toBeLessThan(1e-4);
    }

    // The epochs came back as the run's own lines and metrics.csv rows.
    expect(lines.join('')).toMatch(/stage train: PyTorch .* trains the whole model, 2 processes on cpu \(gloo/);
    expect(lines.join('')).toMatch(/train epoch 2\/2 {2}loss/);
    expect(two.stages[0].epochs).toBe(2);
    const csv = readFileSync(join(two.runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    for (const file of ['evaluation.json', 'report.html', 'model/model.json', 'plan.json']) expect(existsSync(join(two.runDir, file)), file).toBe(true);
    expect(two.evaluation?.accuracy).toBeGreaterThanOrEqual(0);

    // The exported model is a tfjs model that predicts.
    const exported = await loadExportedModel(join(baseDir, 'exported'));
    const predictions = await predictFiles(exported.model, exported.plan, exported.classNames, [join(baseDir, 'data', 'disc')]);
    exported.model.dispose();
    expect(predictions).toHaveLength(8);
    expect(predictions.every((p) => p.label === 'disc' || p.label === 'stripes')).toBe(true);
  }, TIMEOUT);

  it('--emit writes a job folder whose launch.sh trains it alone (the cluster path), with the multi-node and SLURM commands; --import brings it back as a run', async () => {
    const dir = join(baseDir, 'job');
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream });
    await emitTorchJob(plan(), { baseDir, nproc: 2, device: 'cpu', dir, log });
    const printed = lines.join('');
    expect(printed).toMatch(/--nnodes M --node_rank R --rdzv_backend c10d --rdzv_endpoint HOST:PORT --nproc_per_node 2 -m tlc_torch.trainer \./);
    expect(readFileSync(join(dir, 'slurm.sh'), 'utf8')).toMatch(/srun python3 -m torch.distributed.run .*--nnodes "\$SLURM_NNODES" --node_rank "\$SLURM_NODEID"/);
    const launched = spawnSync(join(dir, 'launch.sh'), ['2'], { encoding: 'utf8', env: { ...process.env, PYTHON: torchPython!.python, OMP_NUM_THREADS: '1' } });
    expect(launched.status, launched.stderr).toBe(0);
    expect(trained('', dir).size).toBeGreaterThan(0);
    expect(readFileSync(join(dir, JOB_FILES.epochs), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(join(dir, JOB_FILES.checkpoint))).toBe(true);

    // --import brings the job back as a run: its epochs, evaluation, export and report.
    const imported = await runPlan(plan(), { baseDir, out: join(baseDir, 'run-imported'), engine: 'torch', importJob: dir, log: new RunLog({ quiet: true }) });
    expect(readFileSync(join(imported.runDir, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    for (const file of ['evaluation.json', 'report.html', 'model/model.json']) expect(existsSync(join(imported.runDir, file)), file).toBe(true);
    expect(imported.backend).toBe('torch (imported)');
  }, TIMEOUT);
});
