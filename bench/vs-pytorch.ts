// Benchmark: tlc against the same jobs written the usual PyTorch way (issue 14's four rows), whole
// processes side by side: `tlc run` / `tlc predict` (Node, default backend `auto`, trunk on
// onnxruntime) against a small Python script per row in bench/pytorch/ run with /usr/bin/python3
// (Debian's torch 1.13 CPU, torchvision, PIL). When torch is not importable there the PyTorch
// columns are left empty and the title says why.
//
// The task, made in a temporary folder by this file and deleted after: 1,000 training and 500
// test images (250 and 125 of each of the 4 classes of examples/data/fashion/train, resized to
// 96x96 grayscale PNGs by sharp). Both sides decode every image once, validate on the 500 test
// images after every epoch and evaluate at the end; batch 32, Adam lr 1e-3, no augmentation.
// The backbone is MobileNetV2 with seeded random weights on both sides (no ImageNet weights exist
// on the bench machine: tlc reads them from a model.json this file writes, PyTorch uses
// torchvision's seeded initialisation); a step's time does not depend on the weights' values.
//
//   1. feature extractor: MobileNetV2 1.0, `freeze all`, dense head, 40 epochs
//      (PyTorch: features computed once under no_grad, 40 epochs of a Linear head on them)
//   2. fine-tuning the last blocks: `freeze until "block_15_add"`, 3 and 10 epochs
//      (PyTorch: features[:17] frozen, requires_grad off, BN in eval; recomputed every epoch)
//   3. everything trains: MobileNetV2 0.35 at 96x96, `weights none`, `freeze none`, 1 epoch, on
//      tlc's default engine and with `--engine torch`
//   4. `tlc predict` over the 1,000 training images with a model `tlc run` exported, against
//      the PyTorch script loading its state_dict and classifying in batches of 32
//
// Each row runs N times per side (TLC_BENCH_RUNS, default 3), alternating tlc and PyTorch (the
// order flips every round), after one warm-up run per side (TLC_BENCH_WARMUP=0 skips it; it also
// exports tlc's trunk graph into this benchmark's own TLC_HOME); the table gives medians.
// TLC_BENCH_QUICK=1 checks the benchmark itself in a few minutes (200/100 images, few epochs, one
// run, no warm-up); TLC_BENCH_ROWS=1,4 picks rows (1, 2, 3, 3t: row 3 with --engine torch, 4); TLC_BENCH_KEEP=1 keeps the task's
// folder (printed) for profiling one side by hand.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBackbone, saveModelToDir } from '@tlc/zoo';
import { randomizeWeights } from '../packages/runtime/test/onnx/random-weights';
import { EXAMPLES_DIR } from './lib/fashion-plan';
import { measureProcess, type ProcessRun } from './lib/measure-process';

interface SharpChain {
  resize(width: number, height: number): SharpChain;
  grayscale(): SharpChain;
  png(): SharpChain;
  toFile(file: string): Promise<unknown>;
}
const sharp = createRequire(new URL('../packages/runtime/package.json', import.meta.url))('sharp') as (file: string) => SharpChain;

const QUICK = process.env.TLC_BENCH_QUICK === '1';
const RUNS = QUICK ? 1 : Math.max(1, Number(process.env.TLC_BENCH_RUNS ?? 3));
const WARM_UP = !QUICK && process.env.TLC_BENCH_WARMUP !== '0';
const ROWS = new Set((process.env.TLC_BENCH_ROWS ?? '1,2,3,3t,4').split(',').map((r) => r.trim()));
const TRAIN_PER_CLASS = QUICK ? 50 : 250;
const TEST_PER_CLASS = QUICK ? 25 : 125;
const SIZE = 96;
const EPOCHS = QUICK ? { features: 4, fineTune: [1, 2], full: 1 } : { features: 40, fineTune: [3, 10], full: 1 };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TLC = join(ROOT, 'packages/cli/bin/tlc.mjs');
const PYTORCH_DIR = join(ROOT, 'bench/pytorch');
const PYTHON = '/usr/bin/python3';

/** torch's and torchvision's versions, or why the PyTorch side cannot run. */
function probeTorch(): { ok: true; version: string } | { ok: false; why: string } {
  if (!existsSync(PYTHON)) return { ok: false, why: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, PIL; print(torch.__version__, torchvision.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return { ok: false, why: `torch, torchvision or PIL not importable by ${PYTHON} (apt-get install python3-torch python3-torchvision python3-pil)` };
  const [torch, vision] = probe.stdout.trim().split(' ');
  return { ok: true, version: `torch ${torch}, torchvision ${vision}` };
}

/** The task's images, the weights file, and the tlc pipelines, in a fresh temporary folder. */
async function makeTask(dir: string): Promise<string[]> {
  const classes = readdirSync(join(EXAMPLES_DIR, 'data/fashion/train')).sort();
  for (const name of classes) {
    const files = readdirSync(join(EXAMPLES_DIR, 'data/fashion/train', name)).sort();
    const parts = { train: files.slice(0, TRAIN_PER_CLASS), test: files.slice(TRAIN_PER_CLASS, TRAIN_PER_CLASS + TEST_PER_CLASS) };
    for (const [part, list] of Object.entries(parts)) {
      mkdirSync(join(dir, 'data', part, name), { recursive: true });
      await Promise.all(list.map((f) =>
        sharp(join(EXAMPLES_DIR, 'data/fashion/train', name, f)).resize(SIZE, SIZE).grayscale().png().toFile(join(dir, 'data', part, name, f))));
    }
  }
  const backbone = buildBackbone('MobileNetV2', { inputShape: [SIZE, SIZE, 1], alpha: 1 });
  randomizeWeights(backbone, 1);
  await saveModelToDir(backbone, join(dir, 'weights'));
  backbone.dispose();
  return classes;
}

function pipeline(name: string, use: string, epochs: number, extra = ''): string {
  return `pipeline "${name}"
data "data/train" {
  image ${SIZE}x${SIZE} grayscale
  validation "data/test"
  batch 32
}
use ${use}
preprocess native
head dense 4
train {
  epochs ${epochs}
  optimizer adam lr 1e-3
}
evaluate validation
${extra}`;
}

interface Side {
  /** The command line, run in the task folder. */
  command: string;
  args: () => string[];
  /** What to show of a finished run (accuracy, backend). */
  describe(run: ProcessRun): string;
}

interface Row {
  row: string;
  tlc: Side;
  pytorch: Side | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';

function tlcRun(dir: string, file: string, extraArgs: string[] = []): Side {
  let count = 0;
  return {
    command: process.execPath,
    args: () => [TLC, 'run', file, '--out', join(dir, 'runs', `${file}-${count++}`), '--json', '--quiet', ...extraArgs],
    describe(run) {
      try {
        const summary = JSON.parse(lastLine(run.stdout)) as { backend?: string; trunk?: string; evaluation?: { accuracy: number } };
        return `accuracy ${summary.evaluation?.accuracy.toFixed(3)}, ${summary.backend ?? ''}${summary.trunk ? `, trunk ${summary.trunk}` : ''}`;
      } catch {
        return '';
      }
    },
  };
}

function python(script: string, args: string[]): Side {
  return {
    command: PYTHON,
    args: () => [join(PYTORCH_DIR, script), ...args],
    describe(run) {
      const accuracy = /accuracy=([\d.]+)/.exec(lastLine(run.stdout));
      return accuracy ? `accuracy ${Number(accuracy[1]).toFixed(3)}` : '';
    },
  };
}

async function once(side: Side, dir: string): Promise<ProcessRun> {
  const run = await measureProcess(side.command, side.args(), { cwd: dir, env: { ...process.env, TLC_HOME: join(dir, 'home') } });
  rmSync(join(dir, 'runs'), { recursive: true, force: true });
  if (run.code !== 0) {
    const why = lastLine(run.stderr) || lastLine(run.stdout);
    throw new Error(`${side.command === PYTHON ? 'PyTorch' : 'tlc'} exited with ${run.code}: ${why}`);
  }
  return run;
}

interface Measured {
  seconds: number;
  peakMb: number;
  detail: string;
}

async function measureRow(row: Row, dir: string): Promise<Record<string, string | number>> {
  const sides = row.pytorch ? [row.tlc, row.pytorch] : [row.tlc];
  const runs: ProcessRun[][] = sides.map(() => []);
  try {
    if (WARM_UP) for (const side of sides) await once(side, dir);
    for (let round = 0; round < RUNS; round++) {
      const order = round % 2 === 0 ? sides.map((_, i) => i) : sides.map((_, i) => i).reverse();
      for (const i of order) runs[i]!.push(await once(sides[i]!, dir));
    }
  } catch (error) {
    return { row: row.row, 'tlc s': '', 'PyTorch s': '', 'tlc / PyTorch': '', detail: `failed: ${(error as Error).message}` };
  }
  const summary = (i: number): Measured | null => {
    const list = runs[i];
    if (!list || list.length === 0) return null;
    return { seconds: median(list.map((r) => r.seconds)), peakMb: median(list.map((r) => r.peakMb)), detail: sides[i]!.describe(list[list.length - 1]!) };
  };
  const tlc = summary(0)!;
  const torch = summary(1);
  return {
    row: row.row,
    'tlc s': Number(tlc.seconds.toFixed(1)),
    'PyTorch s': torch ? Number(torch.seconds.toFixed(1)) : '',
    'tlc / PyTorch': torch ? Number((tlc.seconds / torch.seconds).toFixed(2)) : '',
    'tlc RSS MB': tlc.peakMb,
    'PyTorch RSS MB': torch ? torch.peakMb : '',
    'RSS ratio': torch && torch.peakMb > 0 ? Number((tlc.peakMb / torch.peakMb).toFixed(2)) : '',
    detail: `tlc: ${tlc.detail}${torch ? `; PyTorch: ${torch.detail}` : ''}`,
  };
}

export default async function (): Promise<{ title: string; rows: Record<string, string | number>[] }> {
  const torch = probeTorch();
  const dir = mkdtempSync(join(tmpdir(), 'tlc-bench-vs-pytorch-'));
  const results: Record<string, string | number>[] = [];
  try {
    const classes = await makeTask(dir);
    const data = ['data/train', 'data/test', String(SIZE)];
    const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
    const peer = (script: string, args: string[]) => (torch.ok ? python(script, args) : null);
    const rows: Row[] = [];

    if (ROWS.has('1')) {
      write('features.tl', pipeline('features', 'MobileNetV2 weights "weights/model.json" freeze all', EPOCHS.features));
      rows.push({ row: `1. feature extractor, ${EPOCHS.features} epochs`, tlc: tlcRun(dir, 'features.tl'), pytorch: peer('features.py', [...data, String(EPOCHS.features)]) });
    }
    if (ROWS.has('2')) {
      for (const epochs of EPOCHS.fineTune) {
        write(`fine-tune-${epochs}.tl`, pipeline('fine-tune', 'MobileNetV2 weights "weights/model.json" freeze until "block_15_add"', epochs));
        rows.push({ row: `2. fine-tune after block_15_add, ${epochs} epochs`, tlc: tlcRun(dir, `fine-tune-${epochs}.tl`), pytorch: peer('finetune.py', [...data, String(epochs), '1.0', '17']) });
      }
    }
    if (ROWS.has('3') || ROWS.has('3t')) {
      write('full.tl', pipeline('full', 'MobileNetV2 alpha 0.35 weights none freeze none', EPOCHS.full));
      const args = [...data, String(EPOCHS.full), '0.35', '0'];
      if (ROWS.has('3')) rows.push({ row: `3. everything trains (0.35), ${EPOCHS.full} epoch`, tlc: tlcRun(dir, 'full.tl'), pytorch: peer('finetune.py', args) });
      if (torch.ok && ROWS.has('3t')) rows.push({ row: `3. the same, tlc --engine torch`, tlc: tlcRun(dir, 'full.tl', ['--engine', 'torch']), pytorch: peer('finetune.py', args) });
    }
    if (ROWS.has('4')) {
      // The model to predict with: a one-epoch feature-extractor run that exports it (not timed).
      write('export.tl', pipeline('export', 'MobileNetV2 weights "weights/model.json" freeze all', 1, 'export "model"\n'));
      const exported = await measureProcess(process.execPath, [TLC, 'run', 'export.tl', '--out', join(dir, 'export-run'), '--quiet'], { cwd: dir, env: { ...process.env, TLC_HOME: join(dir, 'home') } });
      if (exported.code !== 0) throw new Error(`the model for row 4 was not exported: ${lastLine(exported.stderr)}`);
      if (torch.ok) spawnSync(PYTHON, [join(PYTORCH_DIR, 'predict.py'), '--save', join(dir, 'model.pt'), classes.join(',')], { cwd: dir });
      const images = 4 * TRAIN_PER_CLASS;
      rows.push({
        row: `4. predict ${images} images`,
        tlc: { command: process.execPath, args: () => [TLC, 'predict', 'model', 'data/train'], describe: (run) => `${run.stdout.trim().split('\n').length} lines` },
        pytorch: torch.ok ? { command: PYTHON, args: () => [join(PYTORCH_DIR, 'predict.py'), 'model.pt', classes.join(','), String(SIZE), 'data/train'], describe: (run) => `${run.stdout.trim().split('\n').length - 1} lines` } : null,
      });
    }

    for (const row of rows) {
      const result = await measureRow(row, dir);
      console.log(`  ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    if (process.env.TLC_BENCH_KEEP === '1') console.log(`  kept the task's folder: ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  const peer = torch.ok ? `PyTorch peers: bench/pytorch/*.py on ${PYTHON} (${torch.version}, CPU)` : `PyTorch columns skipped: ${torch.why}`;
  return {
    title: `tlc against PyTorch, whole processes: ${4 * TRAIN_PER_CLASS} training and ${4 * TEST_PER_CLASS} test images at ${SIZE}x${SIZE} grayscale, `
      + `MobileNetV2 with seeded random weights on both sides (no ImageNet weights here), batch 32; median of ${RUNS} alternating run(s)`
      + `${WARM_UP ? ' after a warm-up' : ''}${QUICK ? ' (QUICK mode: smaller task, not the issue\'s figures)' : ''}; `
      + `${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)} at the end. ${peer}`,
    rows: results,
  };
}
