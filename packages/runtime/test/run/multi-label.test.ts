// Multi-label end to end: a labels file gives real PNGs any subset of two labels, names with a
// space separated by `separator ";"` ("dark disc", "light stripes": both, one, or none), a sigmoid head over the two trains with binary cross-entropy from
// random weights and learns the task; evaluation.json has the multi-label metrics; the exported
// model predicts every label at or above the threshold (the plan's, or the caller's); a softmax
// head on the same file is refused before any image is decoded (TL4115); a file with one spaced
// label per image trains a softmax head, the names kept in its outputs.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@tlc/plan';
import sharp from 'sharp';
import { lrFind, RunLog, runPlan } from '../../src/index';
import { loadData } from '../../src/data/load';
import { assembleModel } from '../../src/model/assemble';
import { preprocess } from '../../src/model/preprocess';
import { dataPlan } from '../../src/run/phases/data';
import { pixelSource } from '../../src/run/pixels';
import { probabilities } from '../../src/train/loss';
import { loadExportedModel, predictFiles } from '../../src/export/predict';
import { RunError } from '../../src/messages';
import { createRng } from '../../src/random';
import { makePlan, SIZE, stage, tempDir } from './fixtures';

let base: string;
const PER_KIND = 10;
const KINDS = [[], ['disc'], ['stripes'], ['disc', 'stripes']] as const;

/** A 32x32 gray image with a dark disc and/or light stripes, varied by `seed`. */
function pixels(disc: boolean, stripes: boolean, seed: number): Uint8Array {
  const rng = createRng(seed);
  const out = new Uint8Array(SIZE * SIZE);
  const cx = 16 + rng.uniform(-4, 4), cy = 16 + rng.uniform(-4, 4), r = rng.uniform(5, 8), phase = rng.int(6);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let v = 128;
      if (stripes && (y + phase) % 6 < 3) v = 235;
      if (disc && (x - cx) ** 2 + (y - cy) ** 2 < r * r) v = 10;
      out[y * SIZE + x] = Math.max(0, Math.min(255, Math.round(v + rng.uniform(-15, 15))));
    }
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = tempDir('multi-label');
  mkdirSync(join(base, 'data', 'img'), { recursive: true });
  const rows = ['image,tags'];
  for (const [k, kind] of KINDS.entries()) {
    for (let i = 0; i < PER_KIND; i++) {
      const name = `img/${k}-${i}.png`;
      const data = pixels(kind.includes('disc' as never), kind.includes('stripes' as never), 1000 * k + i + 1);
      await sharp(Buffer.from(data), { raw: { width: SIZE, height: SIZE, channels: 1 } }).png().toFile(join(base, 'data', name));
      // Quoted fields, spaces around the separator and an empty label cell (no label) on purpose.
      const names = kind.map((label) => (label === 'disc' ? 'dark disc' : 'light stripes'));
      rows.push(k === 3 ? `"${name}","light stripes ; dark disc"` : `${name},${names.join(';')}`);
    }
  }
  writeFileSync(join(base, 'data', 'tags.csv'), `${rows.join('\r\n')}\r\n`);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function multiLabelPlan(): Plan {
  const plan = makePlan({ stages: [stage({ epochs: 12, loss: 'binary_crossentropy', checkpoint: { monitor: 'val_loss', mode: 'min' } })], export: { path: 'exported', format: 'tfjs-layers' } });
  plan.head = {
    layers: [{ type: 'pool', pool: 'avg', name: 'head_pool' }, { type: 'dense', units: 2, activation: 'sigmoid', name: 'head_output' }],
    outputUnits: 2,
    outputActivation: 'sigmoid',
  };
  plan.data = { ...plan.data!, labels: { path: 'tags.csv', fileColumn: 'image', labelColumn: 'tags', separator: ';' }, validation: { mode: 'split', fraction: 0.3, seed: 3 } };
  plan.evaluate = { on: 'validation', directory: null, tta: 'none', threshold: 0.5 };
  return plan;
}

describe('a multi-label run', () => {
  it('learns which of two independent labels each image has, and reports the multi-label metrics', { timeout: 300_000 }, async () => {
    const plan = multiLabelPlan();
    const out = join(base, 'run');
    const summary = await runPlan(plan, { baseDir: base, out, log: new RunLog({ quiet: true }) });
    const evaluation = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
    expect(evaluation.images).toBe(12);
    expect(evaluation.perClass.map((c: { class: string }) => c.class)).toEqual(['dark disc', 'light stripes']);
    expect(evaluation.perClass.map((c: { support: number }) => c.support)).toEqual([6, 6]);
    expect(evaluation.confusion).toEqual([]);
    expect(evaluation.multiLabel.threshold).toBe(0.5);
    // Separable: nearly every decision right, most images' label sets exactly right.
    expect(evaluation.multiLabel.accuracyMulti).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.accuracy).toBe(evaluation.multiLabel.accuracyMulti);
    expect(evaluation.multiLabel.exactMatch).toBeGreaterThanOrEqual(0.8);
    expect(summary.evaluation?.accuracy).toBe(evaluation.accuracy);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('accuracy_multi');
    expect(report).toContain('exact match');
    expect(report).toContain('<td>dark disc</td>');
    // Each wrong label set names its most probable class and its worst decision (report.html's rows).
    for (const m of evaluation.misclassified) {
      expect(['dark disc', 'light stripes']).toContain(m.highest.class);
      expect(m.confidence).toBeCloseTo(m.worst.error === 'predicted' ? m.worst.probability : 1 - m.worst.probability, 6);
    }
    expect(JSON.parse(readFileSync(join(base, 'exported', 'labels.json'), 'utf8'))).toEqual(['dark disc', 'light stripes']);

    // The export predicts every label at or above the threshold.
    const exported = await loadExportedModel(join(base, 'exported'));
    const files = [join(base, 'data', 'img', '0-0.png'), join(base, 'data', 'img', '3-0.png')];
    const predicted = await predictFiles(exported.model, exported.plan, exported.classNames, files);
    expect(predicted[0]!.labels).toEqual([]);
    expect([...predicted[1]!.labels!].sort()).toEqual(['dark disc', 'light stripes']);
    // A threshold above every probability predicts nothing; the probabilities stay.
    const strict = await predictFiles(exported.model, exported.plan, exported.classNames, files, { threshold: 0.999999 });
    expect(strict.map((p) => p.labels)).toEqual([[], []]);
    expect(strict[1]!.probabilities).toEqual(predicted[1]!.probabilities);
    exported.model.dispose();
  });

  it('a single-label labels file with spaced class names (one label per image, `separator ";"`) trains a softmax head; the names survive into evaluation.json, report.html and labels.json', { timeout: 300_000 }, async () => {
    // Disc or no disc, one label each, named with spaces.
    const rows = ['image,kind'];
    for (const [k, kind] of KINDS.entries()) for (let i = 0; i < PER_KIND; i++) rows.push(`img/${k}-${i}.png,${kind.includes('disc' as never) ? 'dark disc' : 'no disc'}`);
    writeFileSync(join(base, 'data', 'kind.csv'), `${rows.join('\n')}\n`);
    const plan = multiLabelPlan();
    plan.head = { ...plan.head, layers: [plan.head.layers[0]!, { type: 'dense', units: 2, activation: 'softmax', name: 'head_output' }], outputActivation: 'softmax' };
    plan.stages[0] = { ...plan.stages[0]!, epochs: 1, loss: 'categorical_crossentropy' };
    plan.data = { ...plan.data!, labels: { path: 'kind.csv', fileColumn: 'image', labelColumn: 'kind', separator: ';' } };
    plan.export = { path: 'exported-single', format: 'tfjs-layers' };
    const out = join(base, 'single');
    await runPlan(plan, { baseDir: base, out, log: new RunLog({ quiet: true }) });
    const evaluation = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
    expect(evaluation.multiLabel ?? null).toBeNull();
    expect(evaluation.perClass.map((c: { class: string }) => c.class)).toEqual(['dark disc', 'no disc']);
    expect(evaluation.confusion).toHaveLength(2);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<td>no disc</td>');
    expect(JSON.parse(readFileSync(join(base, 'exported-single', 'labels.json'), 'utf8'))).toEqual(['dark disc', 'no disc']);
  });

  it('TL4115: a softmax head on a file that gives images several labels or none, before any image is decoded', async () => {
    const plan = multiLabelPlan();
    plan.head = { ...plan.head, layers: [plan.head.layers[0]!, { type: 'dense', units: 2, activation: 'softmax', name: 'head_output' }], outputActivation: 'softmax' };
    plan.stages[0] = { ...plan.stages[0]!, loss: 'categorical_crossentropy' };
    const error = await runPlan(plan, { baseDir: base, out: join(base, 'softmax'), log: new RunLog({ quiet: true }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect(error).toMatchObject({ code: 'TL4115', message: expect.stringContaining('img/0-0.png: no label') });
  });

  it('TL4001: a head with the wrong number of units names the labels file and its labels, not class folders', async () => {
    const plan = multiLabelPlan();
    plan.head = { ...plan.head, layers: [plan.head.layers[0]!, { type: 'dense', units: 3, activation: 'sigmoid', name: 'head_output' }], outputUnits: 3 };
    const error = await runPlan(plan, { baseDir: base, out: join(base, 'three'), log: new RunLog({ quiet: true }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect(error).toMatchObject({ code: 'TL4001', message: expect.stringContaining('the labels file tags.csv has 2 labels (dark disc, light stripes)') });
    expect((error as RunError).message).not.toContain('class folder');
  });

  it('lr-find trains against the multi-hot targets: its first loss is the binary cross-entropy of the starting model on them', { timeout: 300_000 }, async () => {
    // One batch holds every training image, so the first step's loss (taken before any update)
    // is the mean over all of them, whatever their order.
    const plan = multiLabelPlan();
    plan.stages[0] = { ...plan.stages[0]!, batchSize: 64 };
    const result = await lrFind(plan, { baseDir: base, out: join(base, 'lr-find'), log: new RunLog({ quiet: true }), steps: 12 });
    const first = Number(readFileSync(join(result.outDir, 'lr-find.csv'), 'utf8').split('\n')[1]!.split(',')[2]);
    // The same starting model (seeded), in training mode, on the same images, against their multi-hot rows.
    const data = await loadData(dataPlan(plan, { baseDir: base }), base);
    const training = data.training;
    const { model } = await assembleModel(plan, { baseDir: base });
    let expected = 0;
    for await (const batch of pixelSource(training, { batchSize: 1000, shuffle: false, seed: 1, augment: null }).batches(1)) {
      const targets = training.targetRows(batch.indices);
      const p = tf.tidy(() => tf.clipByValue(probabilities(model.apply(preprocess(batch.pixels, plan.preprocess), { training: true }) as tf.Tensor, plan.head), 1e-7, 1 - 1e-7).arraySync() as number[][]);
      batch.pixels.dispose();
      p.forEach((row, i) => row.forEach((q, c) => {
        const t = targets[i * 2 + c]!;
        expected -= (t * Math.log(q) + (1 - t) * Math.log(1 - q)) / (2 * training.size);
      }));
      expect(targets.some((t, i) => t === 1 && i % 2 === 1 && targets[i - 1] === 1)).toBe(true);
    }
    model.dispose();
    expect(first).toBeCloseTo(expected, 4);
  });
});
