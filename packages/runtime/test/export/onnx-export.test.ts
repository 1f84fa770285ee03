// `export … as onnx`: a real run (MobileNet alpha 0.25 at 32x32 grayscale, a head with pooling,
// BatchNormalization, dropout, a hidden relu layer and softmax, trained one epoch on real PNGs)
// writes model.onnx, labels.json and plan.json; onnxruntime on model.onnx, fed the raw 0..255
// pixels sharp decodes, gives the probabilities the tfjs model (the run's model/ folder, through
// the runtime's own preprocessing) gives, within 1e-4, and `tlc predict` reads the folder with the
// same answers. predict runs a tfjs model on onnxruntime by default (its graph cached in
// TLC_HOME), with the tfjs answers. A linear one-unit head's export gives the
// runtime's two columns [1 - sigmoid, sigmoid].
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Plan } from '@tlc/plan';
import { loadModelFromDir } from '@tlc/zoo';
import { RunLog, runPlan } from '../../src/index';
import { classifierToOnnx, MODEL_ONNX, OnnxClassifier } from '../../src/export/onnx';
import { decodeBatch, listInputImages } from '../../src/export/images';
import { loadExportedModel, planImageShape, predictFiles } from '../../src/export/predict';
import { preprocess } from '../../src/model/preprocess';
import { probabilities } from '../../src/train/loss';
import { makePlan, stage, tempDir, writeImageFolder } from '../run/fixtures';

const TOLERANCE = 1e-4;
let base: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = tempDir('onnx-export');
  vi.stubEnv('TLC_HOME', join(base, 'home'));
  await writeImageFolder(join(base, 'data'), 6);
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(base, { recursive: true, force: true });
});

async function onnxProbabilities(file: string, pixels: tf.Tensor4D): Promise<number[][]> {
  const session = await ort.InferenceSession.create(file);
  try {
    const [n, h, w, c] = pixels.shape;
    const result = await session.run({ input: new ort.Tensor('float32', pixels.dataSync() as Float32Array, [n, h, w, c]) });
    const out = result.probabilities!;
    const cols = Number(out.dims[1]);
    const data = out.data as Float32Array;
    return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  } finally {
    await session.release();
  }
}

describe('export as onnx', () => {
  it('writes model.onnx with labels.json; onnxruntime gives the tfjs model\'s probabilities on real images', { timeout: 300_000 }, async () => {
    const plan: Plan = makePlan({ stages: [stage({ epochs: 1 })], export: { path: 'exported', format: 'onnx' } });
    plan.head = {
      layers: [
        { type: 'pool', pool: 'avg', name: 'head_pool_1' },
        { type: 'batchnorm', name: 'head_batchnorm_1' },
        { type: 'dropout', rate: 0.2, name: 'head_dropout_1' },
        { type: 'dense', units: 8, activation: 'relu', name: 'head_dense_1' },
        { type: 'dense', units: 2, activation: 'softmax', name: 'head_dense_2' },
      ],
      outputUnits: 2,
      outputActivation: 'softmax',
    };
    const out = join(base, 'run');
    await runPlan(plan, { baseDir: base, out, log: new RunLog({ quiet: true }) });
    const exported = join(base, 'exported');
    expect(readdirSync(exported).sort()).toEqual(['labels.json', MODEL_ONNX, 'plan.json'].sort());
    const classes = JSON.parse(readFileSync(join(exported, 'labels.json'), 'utf8')) as string[];
    expect(classes).toEqual(['disc', 'stripes']);

    const model = await loadModelFromDir(join(out, 'model'));
    const files = await listInputImages([join(base, 'data', 'disc'), join(base, 'data', 'stripes')]);
    const want = await predictFiles(model, plan, classes, files, { engine: 'tfjs' });
    // By default predict runs the tfjs model's graph on onnxruntime, cached: the same answers.
    const graphs = () => (existsSync(join(base, 'home', 'onnx')) ? readdirSync(join(base, 'home', 'onnx')).filter((f) => f.endsWith('.onnx')).length : 0);
    const before = graphs();
    const fast = await predictFiles(model, plan, classes, files);
    expect(graphs()).toBe(before + 1);
    expect(fast.map((p) => p.label)).toEqual(want.map((p) => p.label));
    fast.forEach((p, i) => classes.forEach((name) => expect(Math.abs(p.probabilities[name]! - want[i]!.probabilities[name]!)).toBeLessThanOrEqual(TOLERANCE)));
    expect(new Set(want.map((p) => p.probabilities.disc!.toFixed(3))).size).toBeGreaterThan(1);
    const pixels = await decodeBatch(files, planImageShape(plan));
    const got = await onnxProbabilities(join(exported, MODEL_ONNX), pixels);
    pixels.dispose();
    let worst = 0;
    got.forEach((row, i) => classes.forEach((name, c) => (worst = Math.max(worst, Math.abs(row[c]! - want[i]!.probabilities[name]!)))));
    expect(got).toHaveLength(12);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);

    // `tlc predict` opens the ONNX folder as it opens a tfjs one, with the same answers.
    const opened = await loadExportedModel(exported);
    expect(opened.model).toBeInstanceOf(OnnxClassifier);
    const predicted = await predictFiles(opened.model, opened.plan, opened.classNames, files);
    opened.model.dispose();
    expect(predicted.map((p) => p.label)).toEqual(want.map((p) => p.label));
    predicted.forEach((p, i) => classes.forEach((name) => expect(Math.abs(p.probabilities[name]! - want[i]!.probabilities[name]!)).toBeLessThanOrEqual(TOLERANCE)));
  });

  it('replaces an earlier export in either format at the same path (a pipeline run twice, or switched to onnx and back), never a folder holding other files', { timeout: 300_000 }, async () => {
    const run = (format: 'onnx' | 'tfjs-layers', name: string) =>
      runPlan(makePlan({ stages: [stage({ epochs: 1 })], export: { path: 'switched', format } }), { baseDir: base, out: join(base, name), log: new RunLog({ quiet: true }) });
    const folder = join(base, 'switched');
    await run('onnx', 'switch-1');
    // The same pipeline again: its preflight once refused model.onnx as a file "a model save did not write".
    await run('onnx', 'switch-2');
    expect(readdirSync(folder).sort()).toEqual(['labels.json', MODEL_ONNX, 'plan.json']);
    await run('tfjs-layers', 'switch-3');
    expect(readdirSync(folder).sort()).toEqual(['labels.json', 'model.json', 'plan.json', 'weights.bin']);
    await run('onnx', 'switch-4');
    expect(readdirSync(folder).sort()).toEqual(['labels.json', MODEL_ONNX, 'plan.json']);
    // A file of the user's in it: refused before training, the folder as it was.
    writeFileSync(join(folder, 'notes.txt'), 'mine');
    const refused = await run('tfjs-layers', 'switch-5').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TL4208', message: expect.stringContaining('(notes.txt)') });
    expect(existsSync(join(base, 'switch-5'))).toBe(false);
    expect(readdirSync(folder).sort()).toEqual(['labels.json', MODEL_ONNX, 'notes.txt', 'plan.json']);
  });

  it('reads a linear one-unit head as the runtime does: two columns [1 - sigmoid, sigmoid]', async () => {
    const plan: Plan = makePlan();
    plan.head = { layers: [{ type: 'flatten', name: 'head_flatten_1' }, { type: 'dense', units: 1, activation: 'linear', name: 'head_dense_1' }], outputUnits: 1, outputActivation: 'linear' };
    const input = tf.input({ shape: [32, 32, 1] });
    let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.flatten({ name: 'head_flatten_1' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 1, name: 'head_dense_1', kernelInitializer: tf.initializers.randomNormal({ seed: 6, stddev: 0.02 }) }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    const file = join(base, 'linear.onnx');
    writeFileSync(file, classifierToOnnx(model, plan));
    const files = await listInputImages([join(base, 'data', 'disc')]);
    const pixels = await decodeBatch(files, planImageShape(plan));
    const want = tf.tidy(() => probabilities(model.predict(preprocess(pixels, plan.preprocess)) as tf.Tensor, plan.head).arraySync());
    const got = await onnxProbabilities(file, pixels);
    pixels.dispose();
    expect(got[0]).toHaveLength(2);
    got.forEach((row, i) => row.forEach((p, c) => expect(Math.abs(p - want[i]![c]!)).toBeLessThanOrEqual(TOLERANCE)));
    expect(new Set(want.map((r) => r[1]!.toFixed(3))).size).toBeGreaterThan(1);
  });
});
