// Evaluation runs the model as a frozen trunk (on onnxruntime by default) and a tail, like a
// stage: its accuracy and misclassified files (with their confidences) are those of the whole
// model run on tfjs, as evaluation did before, with and without `tta flips` (the mirror images go
// through the trunk), cut at the last stage's freeze point or after the backbone.
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@tlc/plan';
import { assembleModel } from '../../src/model/assemble';
import { decodeOptionsOf, loadLabelledFolder } from '../../src/data/load';
import type { ImageDataset } from '../../src/data/dataset';
import { evaluateModel, type Evaluation } from '../../src/evaluate/evaluate';
import { LiveFeatures } from '../../src/features/live';
import { TrunkRunner } from '../../src/features/trunk';
import { selectBackend } from '../../src/index';
import { evaluateDataset } from '../../src/run/phases/evaluate';
import { pixelSource } from '../../src/run/pixels';
import { layersUntil, makePlan, stage, tempDir, writeImageFolder } from '../run/fixtures';

let base: string;
let dataset: ImageDataset;
let files: string[];
const CLASSES = ['disc', 'stripes'];

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('evaluate-trunk');
  await writeImageFolder(join(base, 'data'), 12, 3);
  const plan = makePlan();
  ({ dataset } = await loadLabelledFolder(join(base, 'data'), CLASSES, { ...decodeOptionsOf(plan.data!), onBadImage: 'fail', role: 'evaluation folder' }));
  files = dataset.files.map((f) => relative(base, f));
});


/** The whole model on tfjs over the pixels, as evaluation ran before it had a trunk. */
async function wholeModel(plan: Plan, model: Awaited<ReturnType<typeof assembleModel>>['model']): Promise<Evaluation> {
  const source = new LiveFeatures(pixelSource(dataset, { batchSize: 8, shuffle: false, seed: 1, augment: null }), new TrunkRunner(null, plan.preprocess));
  return evaluateModel(model, plan.head, source, files, CLASSES, 'test', plan.evaluate?.tta ?? 'none');
}

function expectSame(got: Evaluation, want: Evaluation): void {
  expect(got.images).toBe(want.images);
  expect(got.accuracy).toBe(want.accuracy);
  expect(got.accuracyWithoutTta).toBe(want.accuracyWithoutTta);
  expect(got.confusion).toEqual(want.confusion);
  expect(got.misclassified.map((m) => m.file)).toEqual(want.misclassified.map((m) => m.file));
  got.misclassified.forEach((m, i) => expect(m.confidence).toBeCloseTo(want.misclassified[i]!.confidence, 4));
}

describe('evaluation through a trunk', () => {
  for (const tta of ['none', 'flips'] as const) {
    for (const frozen of [[], layersUntil('conv_pw_3_relu')]) {
      it(`equals the whole model's on tfjs (tta ${tta}, ${frozen.length ? 'cut at the freeze point' : 'cut after the backbone'}), on onnxruntime and on tfjs`, async () => {
        const plan = makePlan({ frozen, stages: [stage({ frozenLayers: frozen })], evaluate: { on: 'validation', directory: null, tta, threshold: 0.5 }, zooChecked: false });
        const { model, backboneLayers } = await assembleModel(plan, { baseDir: base });
        const want = await wholeModel(plan, model);
        // Not a degenerate model: both classes are predicted.
        expect(want.confusion.map((row) => row[0]! + row[1]!)).not.toContain(0);
        const last = frozen.length ? frozen[frozen.length - 1]! : 'head_pool';
        for (const trunk of ['onnx', 'tfjs'] as const) {
          const got = await evaluateDataset(plan, model, backboneLayers, dataset, { batchSize: 8, files, classes: CLASSES, on: 'test', trunk, seed: 1 });
          expect(got.trunk).toContain(`input..${last} on ${trunk === 'onnx' ? 'onnxruntime' : 'tfjs'}`);
          expectSame(got.evaluation, want);
        }
        model.dispose();
      });
    }
  }
});
