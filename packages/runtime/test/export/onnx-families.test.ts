// `export … as onnx` for every zoo family: the whole classifier a plan describes (the family's
// own `preprocess native` folded into the input, the backbone, a head with pooling, a hidden relu
// layer and a softmax, or a sigmoid over several classes) exported by classifierToOnnx gives on
// onnxruntime, from raw 0..255 pixels, the probabilities the tfjs model gives through the
// runtime's own preprocessing, within 1e-4. The smallest member of each family
// (test/families.ts) at its smallest input size, with seeded random weights that keep activations
// on the order of one: no training and no weights file is needed.
//
// InceptionResNetV2 and Xception take as long as the other twelve together, and their trunks are
// checked in onnx/equivalence.test.ts while their preprocessing ('tf') is InceptionV3's and
// MobileNet's: the suite leaves them out, TLC_ONNX_EXPORT_ALL_FAMILIES=1 checks all fourteen.
import { rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '@tlc/language';
import type { Plan } from '@tlc/plan';
import { findModel } from '@tlc/zoo';
import { assembleModel } from '../../src/model/assemble';
import { classifierToOnnx } from '../../src/export/onnx';
import { preprocess } from '../../src/model/preprocess';
import { probabilities } from '../../src/train/loss';
import { randomizeWeights } from '../onnx/random-weights';
import { SMALLEST_OF_EACH_FAMILY } from '../families';
import { tempDir } from '../run/fixtures';

const TOLERANCE = 1e-4;
const SLOWEST = new Set(['InceptionResNetV2', 'Xception']);
const FAMILIES = process.env.TLC_ONNX_EXPORT_ALL_FAMILIES === '1'
  ? SMALLEST_OF_EACH_FAMILY
  : SMALLEST_OF_EACH_FAMILY.filter(([name]) => !SLOWEST.has(name));
let base: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  base = tempDir('onnx-families');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function planFor(name: string, alpha: number | undefined, size: number, output: string): Plan {
  const use = `use ${name}${alpha === undefined ? '' : ` alpha ${alpha}`} weights none`;
  const source = `data "photos" {\n  image ${size}x${size} rgb\n}\n${use}\npreprocess native\nhead {\n  pool avg\n  dense 8 relu\n  ${output}\n}\n`;
  const result = compile(source);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.plan!;
}

async function onnxProbabilities(bytes: Uint8Array, pixels: tf.Tensor4D): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', pixels.dataSync() as Float32Array, pixels.shape) });
    return result.probabilities!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/**
 * Rescales the output layer's kernel so its logits stay within about +-3 on `pixels`: random
 * features through a random dense layer saturate a softmax, and a comparison of ones and zeros
 * would say nothing about the layers before it.
 */
function moderateOutput(model: tf.LayersModel, plan: Plan, pixels: tf.Tensor4D): void {
  const output = model.getLayer(plan.head.layers.at(-1)!.name);
  const hidden = tf.model({ inputs: model.inputs, outputs: output.input as tf.SymbolicTensor });
  const largest = tf.tidy(() => (hidden.predict(preprocess(pixels, plan.preprocess)) as tf.Tensor).abs().max().dataSync()[0]!);
  const [kernel, bias] = output.getWeights();
  const fanIn = kernel!.shape[0]!;
  output.setWeights([tf.randomUniform(kernel!.shape, -3, 3, 'float32', 5).div(largest * fanIn), tf.zerosLike(bias!)]);
}

/** The largest |tfjs - onnxruntime| over a batch of two random images, and the tfjs probabilities. */
async function compareExport(plan: Plan): Promise<{ worst: number; want: Float32Array }> {
  const { model } = await assembleModel(plan, { baseDir: base });
  try {
    randomizeWeights(model);
    const [h, w, c] = plan.model.inputShape;
    const pixels = tf.randomUniform([2, h, w, c], 0, 255, 'float32', 11) as tf.Tensor4D;
    moderateOutput(model, plan, pixels);
    const want = tf.tidy(() => probabilities(model.predict(preprocess(pixels, plan.preprocess)) as tf.Tensor, plan.head).dataSync() as Float32Array);
    const got = await onnxProbabilities(classifierToOnnx(model, plan), pixels);
    pixels.dispose();
    expect(got.length).toBe(want.length);
    let worst = 0;
    want.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - got[i]!))));
    return { worst, want };
  } finally {
    model.dispose();
  }
}

describe('every zoo family exports as one ONNX classifier that gives the tfjs probabilities', () => {
  for (const [name, alpha] of FAMILIES) {
    it(`${name}${alpha === undefined ? '' : ` alpha ${alpha}`}`, { timeout: 120_000 }, async () => {
      const size = findModel(name)!.minInputSize;
      const { worst, want } = await compareExport(planFor(name, alpha, size, 'dense 3 softmax'));
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
      // Not trivially saturated: some probability is far from 0 and 1.
      expect(Array.from(want).some((p) => p > 0.02 && p < 0.98)).toBe(true);
    });
  }

  it('a sigmoid output over several classes (multi-label) keeps its independent probabilities', { timeout: 60_000 }, async () => {
    const plan = planFor('MobileNetV2', 0.35, 32, 'dense 4 sigmoid');
    const { worst, want } = await compareExport(plan);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
    expect(want.length).toBe(8);
    // Independent probabilities: a row does not sum to one.
    expect(Math.abs(want[0]! + want[1]! + want[2]! + want[3]! - 1)).toBeGreaterThan(1e-3);
  });
});
