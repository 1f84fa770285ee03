// `tlc predict --tta` (predictFiles with tta flips) on both kinds of exported folder, a tfjs one
// and an ONNX one: each image's probabilities are the mean of the folder's own predictions for
// the image and for its mirror image, written as a separate PNG by sharp (flop), so the mirror is
// checked independently of the runtime. The model (a convolution, flatten, dense) is not
// mirror-symmetric, so the test can tell.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@tlc/plan';
import { exportModel } from '../../src/export/export';
import { exportOnnxModel, OnnxClassifier } from '../../src/export/onnx';
import { loadExportedModel, predictFiles, ttaFlipsUnseen } from '../../src/export/predict';
import { compile } from '@tlc/language';
import { makePlan, tempDir, writeImageFolder } from '../run/fixtures';

let base: string;
let originals: string;
let mirrors: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = tempDir('predict-tta');
  await writeImageFolder(join(base, 'data'), 3);
  // The same images, one folder, and their mirror images under the same names in another.
  originals = join(base, 'originals');
  mirrors = join(base, 'mirrors');
  mkdirSync(originals);
  mkdirSync(mirrors);
  for (const kind of ['disc', 'stripes']) {
    for (const name of readdirSync(join(base, 'data', kind))) {
      await sharp(join(base, 'data', kind, name)).toFile(join(originals, name));
      await sharp(join(base, 'data', kind, name)).flop().toFile(join(mirrors, name));
    }
  }
  const plan: Plan = makePlan();
  plan.head = { layers: [{ type: 'flatten', name: 'head_flatten_1' }, { type: 'dense', units: 2, activation: 'softmax', name: 'head_dense_1' }], outputUnits: 2, outputActivation: 'softmax' };
  const input = tf.input({ shape: [32, 32, 1] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'head_flatten_1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head_dense_1', kernelInitializer: tf.initializers.randomNormal({ seed: 6, stddev: 0.3 }) }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  await exportModel(model, plan, ['disc', 'stripes'], join(base, 'tfjs'));
  await exportOnnxModel(model, plan, ['disc', 'stripes'], join(base, 'onnx'));
  model.dispose();
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('predict with tta flips', () => {
  // A tfjs folder runs on tfjs (engine tfjs) or as its ONNX graph (auto); an ONNX folder on onnxruntime.
  for (const [kind, engine] of [['tfjs', 'tfjs'], ['tfjs', 'auto'], ['onnx', 'auto']] as const) {
    it(`averages each image's and its mirror image's probabilities (${kind} folder, engine ${engine})`, async () => {
      const { model, plan, classNames } = await loadExportedModel(join(base, kind));
      expect(model instanceof OnnxClassifier).toBe(kind === 'onnx');
      const own = await predictFiles(model, plan, classNames, [originals], { engine });
      const mirrored = await predictFiles(model, plan, classNames, [mirrors], { engine });
      const averaged = await predictFiles(model, plan, classNames, [originals], { tta: 'flips', engine });
      model.dispose();
      expect(averaged).toHaveLength(6);
      averaged.forEach((p, i) => {
        for (const c of classNames) expect(p.probabilities[c]).toBeCloseTo((own[i]!.probabilities[c]! + mirrored[i]!.probabilities[c]!) / 2, 5);
        const best = classNames.reduce((a, b) => (p.probabilities[a]! >= p.probabilities[b]! ? a : b));
        expect(p.label).toBe(best);
      });
      // The mirror image changes the prediction: the average is not the plain one.
      expect(Math.max(...own.map((p, i) => Math.abs(p.probabilities.disc! - mirrored[i]!.probabilities.disc!)))).toBeGreaterThan(0.01);
    });
  }
});

describe('ttaFlipsUnseen (TL4212)', () => {
  const planWith = (flip: string) =>
    compile(`data "d" { image 32x32 grayscale }\nuse MobileNet alpha 0.25 weights none freeze none\npreprocess rescale 1/255\nhead dense 2\n${flip}`).plan!;
  it('warns of a model trained with vertical flips only, and of no other', () => {
    expect(ttaFlipsUnseen(planWith('augment { flip vertical }'), 'models/x')).toMatchObject({ code: 'TL4212' });
    expect(ttaFlipsUnseen(planWith('augment { flip vertical }'), 'models/x')!.message).toContain('models/x was trained with vertical flips only');
    expect(ttaFlipsUnseen(planWith('augment { flip horizontal vertical }'), 'm')).toBeUndefined();
    expect(ttaFlipsUnseen(planWith('augment { flip horizontal }'), 'm')).toBeUndefined();
    expect(ttaFlipsUnseen(planWith(''), 'm')).toBeUndefined();
  });
});
