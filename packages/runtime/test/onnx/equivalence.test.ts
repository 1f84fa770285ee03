// The ONNX trunk computes what tfjs computes: every zoo family (its smallest member, at a small
// input size, with random weights that keep activations on the order of one) through tfjs's cpu
// backend and through createOnnxTrunk on onnxruntime gives the same features within 1e-4 of the
// output's largest magnitude; also grayscale and odd input sizes (TF's asymmetric 'same'
// padding), trunks cut at a block's layer, the runtime's own freeze-point split, and one small
// model holding the layer types and activations the zoo's families do not reach.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackbone, findModel } from '@tlc/zoo';
import { createOnnxTrunk } from '../../src/onnx/index';
import { splitAtFreezePoint } from '../../src/model/split';
import { randomizeWeights } from './random-weights';
import { layerTypesBeyondTheFamilies, SMALLEST_OF_EACH_FAMILY } from '../families';

const TOLERANCE = 1e-4;
let cacheDir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  cacheDir = mkdtempSync(join(tmpdir(), 'tlc-onnx-eq-'));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Largest |a - b| over the largest |a|, and that largest |a|. */
function relativeError(want: Float32Array, got: Float32Array): { error: number; scale: number } {
  expect(got.length).toBe(want.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(want[i] - got[i]));
  }
  return { error: worst / scale, scale };
}

/** Runs `model` (cut at `outputLayer`) through tfjs and onnxruntime on the same random images. */
async function expectSameFeatures(model: tf.LayersModel, options: { outputLayer?: string; batch?: number; pixels?: [number, number] } = {}) {
  const batch = options.batch ?? 1;
  const [low, high] = options.pixels ?? [-1, 1];
  const shape = model.inputs[0].shape.slice(1) as number[];
  const x = tf.randomUniform([batch, ...shape], low, high, 'float32', 7);
  const reference = options.outputLayer
    ? tf.model({ inputs: model.inputs, outputs: model.getLayer(options.outputLayer).output as tf.SymbolicTensor })
    : model;
  const want = tf.tidy(() => reference.predict(x) as tf.Tensor);
  const trunk = await createOnnxTrunk(model, { outputLayer: options.outputLayer, cacheDir, providers: ['cpu'] });
  try {
    expect(trunk.outputShape).toEqual(want.shape.slice(1));
    const got = await trunk.run(x.dataSync() as Float32Array, batch);
    const { error, scale } = relativeError(want.dataSync() as Float32Array, got);
    expect(scale).toBeGreaterThan(1e-2); // the features are not trivially zero
    expect(error).toBeLessThan(TOLERANCE);
  } finally {
    await trunk.dispose();
    tf.dispose([x, want]);
  }
}

const FAMILIES = SMALLEST_OF_EACH_FAMILY;

function build(name: string, inputShape: [number, number, number], alpha?: number): tf.LayersModel {
  const model = buildBackbone(name, { inputShape, alpha });
  randomizeWeights(model);
  return model;
}

/** Raw 0..255 pixels for models that preprocess inside themselves, else Keras's [-1, 1] range. */
function pixelRange(name: string): [number, number] {
  return findModel(name)?.preprocess === 'builtin' ? [0, 255] : [-1, 1];
}

describe('every zoo family gives the same features on onnxruntime as on tfjs', () => {
  for (const [name, alpha] of FAMILIES) {
    it(name, async () => {
      const entry = findModel(name);
      expect(entry, `${name} is in the catalog`).toBeDefined();
      const size = entry!.minInputSize;
      const model = build(name, [size, size, 3], alpha);
      await expectSameFeatures(model, { pixels: pixelRange(name) });
      model.dispose();
    });
  }
});

describe('input sizes, channels and cut points', () => {
  it('a grayscale MobileNetV2 at an odd, non-square 75x97, batch of 3', async () => {
    const model = build('MobileNetV2', [75, 97, 1], 0.35);
    await expectSameFeatures(model, { batch: 3 });
    model.dispose();
  });

  it('ResNet50V2 at odd sizes (its stem pads then max-pools values that can be negative)', async () => {
    const model = build('ResNet50V2', [37, 41, 3]);
    await expectSameFeatures(model);
    model.dispose();
  });

  it('a grayscale EfficientNetB0 at 45x61 (stride-2 depthwise convolutions behind correct_pad)', async () => {
    const model = build('EfficientNetB0', [45, 61, 1]);
    await expectSameFeatures(model, { pixels: [0, 255] });
    model.dispose();
  });

  it('trunks cut at a block layer of the catalog', async () => {
    for (const name of ['ResNet50', 'DenseNet121', 'ConvNeXtTiny']) {
      const entry = findModel(name)!;
      const model = build(name, [64, 64, 3]);
      await expectSameFeatures(model, { outputLayer: entry.blocks[1].layer, pixels: pixelRange(name) });
      model.dispose();
    }
  });

  it("the runtime's own frozen trunk (splitAtFreezePoint) exports as its own model", async () => {
    const model = build('MobileNetV2', [64, 64, 3], 0.35);
    const cut = findModel('MobileNetV2')!.blocks[2].layer;
    const frozen = new Set<string>();
    for (const layer of model.layers) {
      frozen.add(layer.name);
      if (layer.name === cut) break;
    }
    const { trunk, cutLayer } = splitAtFreezePoint(model, frozen);
    expect(cutLayer).toBe(cut);
    await expectSameFeatures(trunk!);
    model.dispose();
  });
});

describe('layer types and activations beyond the families at these sizes', () => {
  it('one small model holding them all', async () => {
    const model = layerTypesBeyondTheFamilies();
    randomizeWeights(model);
    await expectSameFeatures(model, { batch: 2 });
    model.dispose();
  });
});
