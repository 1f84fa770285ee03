// `lrFind` end to end on real PNG images (the run fixtures, one in eight labelled wrong so the
// head cannot fit them all and a rate too high shows): the curve has the range test's shape
// (the smoothed loss ends far above its lowest: the test stops on it), the suggestion lies in the
// range and before the runaway, and the folder holds exactly its three files, while nothing else
// under the pipeline's folder changes (no runs/, no model saved, the weights file untouched).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lrFind, LR_FIND_FILES, RunError, RunLog, selectBackend } from '../../src/index';
import { formatRate } from '../../src/lr-find/plot';
import { BACKBONE, layersUntil, makePlan, pretrainBackbone, stage, tempDir, writeImageFolder } from '../run/fixtures';

const quiet = new RunLog({ quiet: true });
let base: string;
let weights: string;

/** Every file under `dir` with a hash of its bytes. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('lr-find');
  await writeImageFolder(join(base, 'data'), 12);
  ({ path: weights } = await pretrainBackbone(base, 'pretrained'));
  // 40 images a class, 5 of each swapped into the other class's folder.
  await writeImageFolder(join(base, 'noisy'), 40, 3);
  for (let i = 0; i < 5; i++) {
    renameSync(join(base, 'noisy', 'disc', `disc-${i}.png`), join(base, 'noisy', 'stripes', `disc-${i}.png`));
    renameSync(join(base, 'noisy', 'stripes', `stripes-${i}.png`), join(base, 'noisy', 'disc', `stripes-${i}.png`));
  }
});

/** A feature extractor on the pretrained backbone: the head trains on cached trunk features, with SGD. */
function featureExtractorPlan(weightsFile = weights) {
  const frozen = layersUntil(BACKBONE.outputLayer);
  return makePlan({
    dataDir: 'noisy',
    weights: { source: 'file', path: weightsFile, format: 'tfjs' },
    frozen,
    stages: [stage({ frozenLayers: frozen, optimizer: { name: 'sgd', learningRate: 0.01, momentum: null, beta1: null, beta2: null, epsilon: null, weightDecay: null } })],
    export: { path: 'exported', format: 'tfjs-layers' },
  });
}

describe('lrFind', () => {
  it('traces the loss against an exponentially growing rate, suggests one in range, and writes only its folder', async () => {
    const before = snapshot(base);
    const out = join(base, 'finder');
    // Up to 100: plain SGD on a linear head runs away only past 10.
    const result = await lrFind(featureExtractorPlan(), { baseDir: base, out, log: quiet, steps: 100, end: 100 });

    // The shape: the smoothed loss ran away from its lowest (the test stopped on it) at a high rate.
    expect(result.ended).toBe('diverged');
    expect(result.taken).toBeLessThan(100);
    const rows = readFileSync(join(out, LR_FIND_FILES.csv), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('step,lr,loss,smoothed_loss');
    const points = rows.slice(1).map((r) => r.split(',').map(Number));
    expect(points).toHaveLength(result.taken);
    const smoothed = points.map((p) => p[3]!);
    const lowest = Math.min(...smoothed);
    expect(lowest).toBeCloseTo(result.minLoss!, 9);
    expect(smoothed[smoothed.length - 1]).toBeGreaterThan(4 * lowest);
    // The rates: from 1e-7, each step the same factor up, towards 100 over the 100 planned steps.
    expect(points[0]![1]).toBeCloseTo(1e-7, 15);
    expect(points[1]![1]! / points[0]![1]!).toBeCloseTo(10 ** (9 / 99), 9);
    // The suggestion: within the range, below where the loss ran away, and the line to paste.
    expect(result.suggestion).toBeGreaterThanOrEqual(1e-7);
    expect(result.suggestion).toBeLessThan(points[points.length - 1]![1]!);
    expect(result.line).toMatch(/^lr \d(\.\d+)?e-?\d+$/);
    expect(Number(result.line!.slice(3))).toBeCloseTo(result.suggestion!, 2);

    // Its folder: the three files, nothing else (no feature cache, no checkpoints).
    expect(readdirSync(out).sort()).toEqual([LR_FIND_FILES.result, LR_FIND_FILES.plot, LR_FIND_FILES.csv].sort());
    const html = readFileSync(join(out, LR_FIND_FILES.plot), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain(result.line);
    expect(html).not.toMatch(/<script|src="http/);
    expect(JSON.parse(readFileSync(join(out, LR_FIND_FILES.result), 'utf8'))).toMatchObject({ suggestion: result.suggestion, steps: 100, start: 1e-7, end: 100, ended: 'diverged' });
    // Nothing else changed: no runs/, no export, the weights and the images as they were.
    const after = snapshot(base);
    for (const file of Object.values(LR_FIND_FILES)) after.delete(join('finder', file));
    expect(after).toEqual(before);
    expect(existsSync(join(base, 'runs'))).toBe(false);
    expect(existsSync(join(base, 'exported'))).toBe(false);
  });

  it('makes its own folder beside runs/ by default, resolves `batch auto` as a run does, and refuses an --out that holds files (TL4206)', async () => {
    const plan = featureExtractorPlan();
    const result = await lrFind({ ...plan, stages: [{ ...plan.stages[0]!, batchSize: 'auto' }] }, { baseDir: base, log: quiet, steps: 12 });
    // On a CPU backend `batch auto` is 32.
    expect(result.batchSize).toBe(32);
    expect(relative(base, result.outDir)).toMatch(/^lr-find[/\\]fixture[/\\]\d{4}-\d\d-\d\dT/);
    expect(readdirSync(result.outDir).sort()).toEqual(Object.values(LR_FIND_FILES).sort());
    const taken = join(base, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    const refused = await lrFind(plan, { baseDir: base, out: taken, log: quiet, steps: 12 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RunError);
    expect((refused as RunError).code).toBe('TL4206');
    expect((refused as RunError).message).toContain('lr-find/<pipeline>/<time>/');
    expect(readdirSync(taken)).toEqual(['notes.txt']);
  });

  it('leaves nothing behind when it fails after making its folder: neither the folder nor lr-find/<pipeline>/', async () => {
    // A weights file cut short: found by the preflight, refused when the model is built.
    cpSync(join(base, 'pretrained'), join(base, 'damaged'), { recursive: true });
    for (const file of readdirSync(join(base, 'damaged')).filter((f) => f.endsWith('.bin'))) writeFileSync(join(base, 'damaged', file), Buffer.alloc(8));
    const plan = { ...featureExtractorPlan('damaged/model.json'), name: 'damaged' };
    const failed = await lrFind(plan, { baseDir: base, log: quiet, steps: 12 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(existsSync(join(base, 'lr-find', 'damaged'))).toBe(false);
    expect(existsSync(join(base, 'lr-find', 'fixture'))).toBe(true);
  });
});

describe('lrFind with discriminative learning rates', () => {
  it('sweeps each rate group at its ratio to the stage rate, as a schedule moves it: a group at 1e-9 of it trains as if frozen', async () => {
    // The same losses from two plans: one freezes the whole backbone; the other trains its last
    // pointwise convolution in a group at a billionth of the swept rate (batch norm in inference
    // mode, as when frozen). Swept at the full rate instead, that group would change the loss.
    const sgd = { name: 'sgd' as const, learningRate: 0.01, momentum: null, beta1: null, beta2: null, epsilon: null, weightDecay: null };
    const allFrozen = layersUntil(BACKBONE.outputLayer);
    const frozen = makePlan({
      dataDir: 'noisy', weights: { source: 'file', path: weights, format: 'tfjs' }, frozen: allFrozen,
      stages: [stage({ frozenLayers: allFrozen, optimizer: sgd })],
    });
    const groupLayers = ['conv_pw_5', 'conv_pw_5_bn', 'conv_pw_5_relu'];
    const grouped = makePlan({
      dataDir: 'noisy', weights: { source: 'file', path: weights, format: 'tfjs' }, frozen: layersUntil('conv_dw_5_relu'),
      stages: [stage({
        frozenLayers: layersUntil('conv_dw_5_relu'), optimizer: sgd, batchNormInference: true,
        layerLearningRates: [{ blocks: [], layers: groupLayers, learningRate: sgd.learningRate * 1e-9 }],
      })],
    });
    let printed = '';
    const log = new RunLog({ out: { write: (text: string) => { printed += text; return true; } } as NodeJS.WritableStream });
    const a = await lrFind(frozen, { baseDir: base, out: join(base, 'groups-frozen'), log: quiet, steps: 40, end: 10 });
    const b = await lrFind(grouped, { baseDir: base, out: join(base, 'groups-swept'), log, steps: 40, end: 10 });
    const losses = (dir: string) => readFileSync(join(dir, LR_FIND_FILES.csv), 'utf8').trim().split('\n').slice(1).map((r) => Number(r.split(',')[2]));
    const [la, lb] = [losses(a.outDir), losses(b.outDir)];
    expect(lb.length).toBe(la.length);
    for (let i = 0; i < la.length; i++) expect(Math.abs(lb[i]! - la[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(la[i]!)));
    // The line to keep the ratio: the group at a billionth of the suggestion.
    expect(printed).toContain(`conv_pw_5..conv_pw_5_relu at ${formatRate(b.suggestion! * 1e-9)}`);
    // The suggestion is the base lr, and lr-find.json says which groups follow it at which ratio.
    expect(printed).toContain('the suggestion is the stage\'s base lr');
    expect(b.rateGroups).toEqual([{ blocks: [], layers: groupLayers, ratio: expect.closeTo(1e-9, 20) }]);
    expect(JSON.parse(readFileSync(join(b.outDir, LR_FIND_FILES.result), 'utf8')).rateGroups).toEqual(b.rateGroups.map((g) => ({ ...g, ratio: expect.closeTo(1e-9, 20) })));
    expect(a.rateGroups).toEqual([]);
  });
});
