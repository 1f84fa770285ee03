// Whole runs on small real PNG folders: a feature extractor (a backbone pretrained by a first
// from-scratch run, loaded from its model.json and frozen; the head trained on cached trunk
// features), what the run folder holds, predict
// and embed with what it exported, and the errors a run must give (head/class mismatch, NaN).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFromDir } from '@tlc/zoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedFiles, loadExportedModel, predictFiles, RunError, RunLog, runPlan, selectBackend, TrainingDiverged, type RunSummary } from '../../src/index';
import { BACKBONE, layersUntil, makePlan, stage, tempDir, pretrainBackbone, writeImageFolder } from './fixtures';

const quiet = new RunLog({ quiet: true });
let base: string;
let pretrained: string;
let fromScratch: RunSummary;
const PER_CLASS = 16;

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('pipeline');
  await writeImageFolder(join(base, 'data'), PER_CLASS);
  ({ path: pretrained, summary: fromScratch } = await pretrainBackbone(base, 'pretrained'));
});

describe('a from-scratch run (weights none, everything trains)', () => {
  it('reaches an accuracy above chance in inference mode after 2 epochs', () => {
    expect(fromScratch.trunk).toMatch(/^none/);
    expect(fromScratch.stages[0].trunkImages).toBe(0);
    expect(fromScratch.evaluation!.accuracy).toBeGreaterThanOrEqual(0.75);
  });
});

describe('a feature-extractor run', () => {
  it('trains the head on cached trunk features, evaluates, exports, and fills the run folder', async () => {
    const frozen = layersUntil(BACKBONE.outputLayer);
    const plan = makePlan({
      weights: { source: 'file', path: pretrained, format: 'tfjs' },
      frozen,
      stages: [stage({ frozenLayers: frozen, epochs: 4, batchNormInference: true })],
      export: { path: 'exported', format: 'tfjs-layers' },
      predict: { directory: 'data/disc' },
    });
    const out = join(base, 'run-fx');
    const summary = await runPlan(plan, { baseDir: base, out, log: quiet });

    expect(summary.runDir).toBe(out);
    expect(summary.trunk).toContain(BACKBONE.outputLayer);
    // The cache: every training and validation image went through the trunk exactly once,
    // although the head trained for 4 epochs.
    expect(summary.stages[0].trunkImages).toBe(2 * PER_CLASS);
    expect(summary.stages[0].epochs).toBe(4);
    expect(summary.evaluation!.accuracy).toBeGreaterThanOrEqual(0.875);
    expect(summary.evaluation!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(8);

    for (const file of ['plan.json', 'metrics.csv', 'evaluation.json', 'report.html', 'model/model.json', 'model/labels.json', 'checkpoints/best/model.json']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('stage,epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,images_per_second');
    expect(csv).toHaveLength(5);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('<svg');
    expect(report).toContain('stripes');
    expect(report).not.toMatch(/<script|src="http/);
    expect(JSON.parse(readFileSync(join(out, 'model/labels.json'), 'utf8'))).toEqual(['disc', 'stripes']);
    expect(existsSync(join(base, 'exported', 'model.json'))).toBe(true);
    // The plan's `predict` statement: predictions.json in the run folder.
    const planned = JSON.parse(readFileSync(join(out, 'predictions.json'), 'utf8')) as { label: string }[];
    expect(planned).toHaveLength(PER_CLASS);
    expect(planned.filter((p) => p.label === 'disc').length).toBeGreaterThanOrEqual(PER_CLASS - 2);

    // predict with the exported folder, as `tlc predict` does.
    const exported = await loadExportedModel(join(base, 'exported'));
    const predictions = await predictFiles(exported.model, exported.plan, exported.classNames, [join(base, 'data', 'stripes')]);
    expect(predictions).toHaveLength(PER_CLASS);
    expect(predictions.filter((p) => p.label === 'stripes').length).toBeGreaterThanOrEqual(PER_CLASS - 2);
    for (const p of predictions) expect(p.probabilities.disc + p.probabilities.stripes).toBeCloseTo(1, 4);

    // The checkpoint is a loadable model, with the weights the run ended with.
    const best = await loadModelFromDir(join(out, 'checkpoints', 'best'));
    expect(best.outputs[0].shape).toEqual([null, 2]);
    const final = await loadModelFromDir(join(out, 'model'));
    expect(best.weights.map((w) => w.originalName).sort()).toEqual(final.weights.map((w) => w.originalName).sort());
    const finalValues = new Map(final.weights.map((w) => [w.originalName, w.read().dataSync()]));
    for (const w of best.weights) expect(w.read().dataSync(), w.originalName).toEqual(finalValues.get(w.originalName));
    // The frozen backbone is written once (named by its bytes' hash); best and last hold only the
    // head's weights (a 64x2 kernel and a bias) and name the frozen shard.
    const shards = readdirSync(join(out, 'checkpoints', 'frozen'));
    expect(shards).toHaveLength(1);
    expect(shards[0]).toMatch(/^[0-9a-f]{64}\.bin$/);
    for (const folder of ['best', 'last']) {
      expect(statSync(join(out, 'checkpoints', folder, 'weights.bin')).size, folder).toBe((64 * 2 + 2) * 4);
      const manifest = JSON.parse(readFileSync(join(out, 'checkpoints', folder, 'model.json'), 'utf8')).weightsManifest;
      expect(manifest[0].paths).toEqual([`../frozen/${shards[0]}`]);
    }
    expect(statSync(join(out, 'checkpoints', 'frozen', shards[0]!)).size + (64 * 2 + 2) * 4).toBe(statSync(join(out, 'model', 'weights.bin')).size);
    best.dispose();
    final.dispose();
  });

  it('keeps a feature cache too large for memory on disk, still one trunk pass per image', async () => {
    const frozen = layersUntil(BACKBONE.outputLayer);
    const plan = makePlan({ weights: { source: 'file', path: pretrained, format: 'tfjs' }, frozen, stages: [stage({ frozenLayers: frozen, epochs: 3 })] });
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
    const out = join(base, 'run-disk');
    const summary = await runPlan(plan, { baseDir: base, out, log, memoryCacheBytes: 0 });
    expect(lines.join('')).toMatch(/features on disk/);
    expect(summary.stages[0].trunkImages).toBe(2 * PER_CLASS);
    expect(summary.evaluation!.accuracy).toBeGreaterThanOrEqual(0.875);
    // The cache files are removed when the stage ends.
    expect(existsSync(join(out, 'features')) ? readdirSync(join(out, 'features')) : []).toEqual([]);
  });

  it('embeds images as pooled backbone features', async () => {
    const plan = makePlan({ weights: { source: 'file', path: pretrained, format: 'tfjs' } });
    const embeddings = await embedFiles(plan, base, [join(base, 'data', 'disc', 'disc-0.png'), join(base, 'data', 'stripes', 'stripes-0.png')]);
    expect(embeddings).toHaveLength(2);
    // conv_pw_5 of MobileNet alpha 0.25 has 64 channels.
    expect(embeddings[0].features).toHaveLength(64);
    expect(embeddings[0].features).not.toEqual(embeddings[1].features);
  });
});

describe('a two-stage run with augmentation', () => {
  it('trains the head on live trunk features (cache off, and says so), then fine-tunes the last blocks', async () => {
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
    const all = layersUntil(BACKBONE.outputLayer);
    const untilBlock2 = layersUntil('conv_pw_3_relu');
    const plan = makePlan({
      weights: { source: 'file', path: pretrained, format: 'tfjs' },
      frozen: all,
      stages: [
        stage({ frozenLayers: all, epochs: 2, batchNormInference: true }),
        stage({ name: 'fine-tune', frozenLayers: untilBlock2, epochs: 1, batchNormInference: true, optimizer: { name: 'sgd', learningRate: 1e-3, momentum: 0.9, beta1: null, beta2: null, epsilon: null, weightDecay: null } }),
      ],
    });
    plan.data!.augment = { rotation: 10, zoom: [0.9, 1.1], shear: 0, shiftWidth: 0.1, shiftHeight: 0.1, channelShift: 0, fill: { mode: 'nearest', value: 0 }, horizontalFlip: true, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed: 3 };
    const summary = await runPlan(plan, { baseDir: base, out: join(base, 'run-two'), log });
    expect(lines.join('')).toMatch(/augmentation is on: the feature cache is off/);
    expect(summary.stages.map((s) => s.name)).toEqual(['train', 'fine-tune']);
    // Stage 1: the 24 training images through the trunk every epoch (augmented), validation once.
    expect(summary.stages[0].trunkImages).toBe(2 * 24 + 8);
    expect(summary.stages[1].epochs).toBe(1);
    expect(summary.trunk).toContain('conv_pw_3_relu');
    const csv = readFileSync(join(base, 'run-two', 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['train', 'train', 'fine-tune']);
  });
});

describe('resume', () => {
  it('continues an interrupted run from its last completed epoch', async () => {
    const frozen = layersUntil(BACKBONE.outputLayer);
    const plan = makePlan({ weights: { source: 'file', path: pretrained, format: 'tfjs' }, frozen, stages: [stage({ frozenLayers: frozen, epochs: 3 })] });
    const out = join(base, 'run-resume');
    // A crash while epoch 2's line is printed: its files (state.json last) are already written.
    const crashing = new RunLog({
      out: { write: (text: string) => { if (text.includes('epoch 2/3')) throw new Error('power cut'); return true; } } as unknown as NodeJS.WritableStream,
    });
    await expect(runPlan(plan, { baseDir: base, out, log: crashing })).rejects.toThrow('power cut');
    expect(JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')).stage.completedEpochs).toBe(2);
    // And a kill between the two renames of a later save of checkpoints/last: the folder is set
    // aside beside the next one; the resume puts it back and says so.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    renameSync(join(out, 'checkpoints', 'last'), join(out, 'checkpoints', `.last.${dead}.0badf00d.old`));
    cpSync(join(out, 'checkpoints', 'best'), join(out, 'checkpoints', `.last.${dead}.0badf00d.tmp`), { recursive: true });

    const lines: string[] = [];
    const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
    const summary = await runPlan(plan, { baseDir: '/nonexistent', resume: out, log });
    expect(lines.join('')).toMatch(/resuming .* after epoch 2/);
    expect(lines.join('')).toMatch(/note: .*last: a save was interrupted between its two renames; the previous save was put back/);
    expect(readdirSync(join(out, 'checkpoints')).sort()).toEqual(['best', 'frozen', 'last', 'optimizer.bin']);
    expect(lines.join('')).not.toMatch(/epoch [12]\/3/);
    expect(summary.runDir).toBe(out);
    expect(summary.stages[0].epochs).toBe(3);
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 2).join(' '))).toEqual(['train 1', 'train 2', 'train 3']);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);

    // Resumed once more, finished: nothing trains, and the line says so.
    const again: string[] = [];
    const againLog = new RunLog({ out: { write: (text: string) => again.push(text) > 0 } as unknown as NodeJS.WritableStream });
    await runPlan(plan, { baseDir: '/nonexistent', resume: out, log: againLog });
    expect(again.join('')).toMatch(/resuming .*: every stage is trained; nothing to train, evaluating and exporting again/);
    expect(again.join('')).not.toMatch(/\(done\)|epoch \d\/3/);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n')).toEqual(csv);
  });
});

describe('run errors', () => {
  it('refuses a head whose outputs differ from the class folders (TL4001, both numbers)', async () => {
    const plan = makePlan({ units: 3 });
    const error = await runPlan(plan, { baseDir: base, out: join(base, 'run-mismatch'), log: quiet }).catch((e) => e);
    expect(error).toBeInstanceOf(RunError);
    expect(error.code).toBe('TL4001');
    expect(error.message).toMatch(/3 units/);
    expect(error.message).toMatch(/2 class folders/);
  });

  it('stops on a NaN loss, naming the epoch and batch and suggesting a lower learning rate', async () => {
    const frozen = layersUntil(BACKBONE.outputLayer);
    const adam = { name: 'adam' as const, learningRate: 1e38, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null };
    const plan = makePlan({
      weights: { source: 'file', path: pretrained, format: 'tfjs' },
      frozen,
      stages: [stage({ frozenLayers: frozen, epochs: 3, optimizer: adam })],
    });
    const error = await runPlan(plan, { baseDir: base, out: join(base, 'run-nan'), log: quiet }).catch((e) => e);
    expect(error).toBeInstanceOf(TrainingDiverged);
    expect(error.message).toMatch(/epoch \d+, batch \d+/);
    expect(error.message).toMatch(/lower learning rate/);
    expect(error.epoch).toBe(1);
  });
});
