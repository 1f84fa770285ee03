// The generated PyTorch module computes what the tfjs model computes: one model of every zoo
// family (its smallest member at its minimum size, random weights that keep activations near one)
// with the plan's head on top gives the same pooled features and head output in PyTorch as in
// tfjs, within 1e-4 of the largest magnitude; also odd and even input sizes, grayscale, a cut
// backbone, and one small model holding the layer types and activations the families do not reach.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBackbone, findModel } from '@tlc/zoo';
import type { HeadPlan } from '@tlc/plan';
import { applyHead } from '../../../src/model/head';
import { generateTorchModule } from '../../../src/engines/torch/generate';
import { torchWeightsOf } from '../../../src/engines/torch/weights';
import { randomizeWeights } from '../../onnx/random-weights';
import { describeTorch, runPython } from './torch-env';
import { layerTypesBeyondTheFamilies, SMALLEST_OF_EACH_FAMILY } from '../../families';

const TOLERANCE = 1e-4;
/** The largest families take over a minute on 2 busy cores. */
const TIMEOUT = 300_000;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tlc-torch-forward-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD: HeadPlan = {
  layers: [
    { type: 'pool', pool: 'avg', name: 'head_pool_1' },
    { type: 'batchnorm', name: 'head_batchnorm_1' },
    { type: 'dense', units: 7, activation: 'relu', name: 'head_dense_1' },
    { type: 'dropout', rate: 0.3, name: 'head_dropout_1' },
    { type: 'dense', units: 3, activation: 'softmax', name: 'head_dense_2' },
  ],
  outputUnits: 3,
  outputActivation: 'softmax',
};

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

/** The backbone (cut at `outputLayer`) with the test head, weights randomised. */
function withHead(backbone: tf.LayersModel, outputLayer?: string): tf.LayersModel {
  const features = (outputLayer ? backbone.getLayer(outputLayer).output : backbone.outputs[0]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: backbone.inputs, outputs: applyHead(features, HEAD) });
  randomizeWeights(model);
  return model;
}

/** Runs tfjs and the generated module on the same images; compares `layers` and the output. */
function expectSameForward(model: tf.LayersModel, layers: string[], options: { batch?: number; pixels?: [number, number] } = {}): void {
  const batch = options.batch ?? 2;
  const [low, high] = options.pixels ?? [-1, 1];
  const shape = model.inputs[0].shape.slice(1) as number[];
  const x = tf.randomUniform([batch, ...shape], low, high, 'float32', 7);
  const probe = tf.model({ inputs: model.inputs, outputs: [...layers.map((l) => model.getLayer(l).output as tf.SymbolicTensor), model.outputs[0]] });
  const wants = tf.tidy(() => probe.predict(x) as tf.Tensor[]);
  const generated = generateTorchModule(model);
  const out = mkdtempSync(join(dir, 'case-'));
  writeFileSync(join(out, 'model.py'), generated.source);
  writeFileSync(join(out, 'weights.safetensors'), torchWeightsOf(model, generated.weights));
  writeFileSync(join(out, 'input.f32'), x.dataSync() as Float32Array);
  runPython('forward', [join(out, 'model.py'), join(out, 'weights.safetensors'), join(out, 'input.f32'), [batch, ...shape].join(','), out, ...layers]);
  const shapes = JSON.parse(readFileSync(join(out, 'shapes.json'), 'utf8')) as Record<string, number[]>;
  [...layers, 'output'].forEach((name, i) => {
    const want = wants[i];
    expect(shapes[name], name).toEqual(want.shape);
    const bytes = readFileSync(join(out, `${name}.f32`));
    const got = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const { error, scale } = relativeError(want.dataSync() as Float32Array, got);
    expect(scale, `${name} is not trivially zero`).toBeGreaterThan(1e-3);
    expect(error, `${name}: relative error`).toBeLessThan(TOLERANCE);
  });
  tf.dispose([x, ...wants]);
}

const FAMILIES = SMALLEST_OF_EACH_FAMILY;

const pixelRange = (name: string): [number, number] => (findModel(name)?.preprocess === 'builtin' ? [0, 255] : [-1, 1]);

describeTorch('the generated PyTorch module equals tfjs: every zoo family with a head', () => {
  for (const [name, alpha] of FAMILIES) {
    it(name, () => {
      const size = findModel(name)!.minInputSize;
      const model = withHead(buildBackbone(name, { inputShape: [size, size, 3], alpha }));
      expectSameForward(model, ['head_pool_1'], { pixels: pixelRange(name), batch: 1 });
      model.dispose();
    }, TIMEOUT);
  }
});

describeTorch('the generated PyTorch module equals tfjs: sizes, channels, cuts', () => {
  it('grayscale MobileNet alpha 0.25 at an odd 33x45 and an even 32x32, cut after block3', () => {
    for (const size of [[33, 45], [32, 32]]) {
      const backbone = buildBackbone('MobileNet', { inputShape: [size[0], size[1], 1], alpha: 0.25 });
      const model = withHead(backbone, 'conv_pw_5_relu');
      expectSameForward(model, ['conv_pw_5_relu', 'head_pool_1'], { batch: 3 });
      model.dispose();
    }
  }, TIMEOUT);

  it('grayscale EfficientNetB0 at 45x61 (correct_pad before stride-2 depthwise convolutions)', () => {
    const model = withHead(buildBackbone('EfficientNetB0', { inputShape: [45, 61, 1] }));
    expectSameForward(model, ['head_pool_1'], { pixels: [0, 255], batch: 1 });
    model.dispose();
  }, TIMEOUT);

  it('ResNet50V2 at 37x41 (its stem pads then max-pools negative values)', () => {
    const model = withHead(buildBackbone('ResNet50V2', { inputShape: [37, 41, 3] }), 'conv2_block3_out');
    expectSameForward(model, ['conv2_block3_out', 'head_pool_1'], { batch: 1 });
    model.dispose();
  }, TIMEOUT);

  it('one small model holding the layer types and activations the families do not reach', () => {
    const model = layerTypesBeyondTheFamilies();
    randomizeWeights(model);
    expectSameForward(model, ['avg_pool']);
    model.dispose();
  }, TIMEOUT);
});
