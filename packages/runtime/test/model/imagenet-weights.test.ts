// Weights when building a plan's backbone. `weights imagenet`: MobileNet alpha 0.25 loads offline
// from the file shipped with tlc, every layer, for a grayscale 32x32 input too; a file of another
// model in the cache under the catalog's name (one Keras publishes no hash for, so only its layers
// can tell) stops the run with TL4402 instead of training on half-loaded weights. `weights
// "model.json"` for a family that loads by order (InceptionV3), converted from an older Keras
// (automatic names numbered from 1, manifest sorted by name), gives every layer its own weights.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '@tlc/language';
import type { Plan } from '@tlc/plan';
import { buildBackbone, shippedWeightsDir, WeightsError } from '@tlc/zoo';
import * as tf from '@tensorflow/tfjs';
import { writeAutoNamedModelJson } from '../../../zoo/test/weights/model-json-converter';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeModelAsKeras2H5 } from '../../../zoo/test/weights/keras-h5-writer';
import { buildPlanBackbone, selectBackend } from '../../src/index';

let home: string;
const saved = process.env.TLC_HOME;
beforeAll(async () => {
  await selectBackend('wasm');
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tlc-imagenet-'));
  process.env.TLC_HOME = home;
});
afterEach(() => {
  process.env.TLC_HOME = saved;
  rmSync(home, { recursive: true, force: true });
});

function plan(use: string, image = '32x32 rgb'): Plan {
  const source = `data "photos" {\n  image ${image}\n}\n${use}\npreprocess native\nhead dense 2\n`;
  const result = compile(source);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.plan!;
}

describe('weights imagenet', () => {
  it('MobileNet alpha 0.25 loads every layer from the shipped file, offline, grayscale adapted', async () => {
    const { backbone, weightsNote } = await buildPlanBackbone(plan('use MobileNet alpha 0.25 weights imagenet freeze all', '32x32 grayscale'), { baseDir: home });
    expect(weightsNote).toContain(`loaded weights for 54 layers from ${join(shippedWeightsDir(), 'mobilenet_2_5_224_tf_no_top.h5')}`);
    expect(weightsNote).toContain('conv1: RGB kernel summed');
    expect(weightsNote).not.toContain('skipped');
    backbone.dispose();
  });

  it("stops with TL4402 when the cache holds another model's weights under the catalog's name", async () => {
    const other = buildBackbone('MobileNetV2', { inputShape: [32, 32, 3], alpha: 0.35 });
    mkdirSync(join(home, 'weights'));
    const file = join(home, 'weights', 'mobilenet_7_5_224_tf_no_top.h5');
    await writeModelAsKeras2H5(file, other);
    other.dispose();
    const error = await buildPlanBackbone(plan('use MobileNet alpha 0.75 weights imagenet freeze all'), { baseDir: home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeightsError);
    expect((error as WeightsError).code).toBe('TL4402');
    expect((error as Error).message).toContain(`${file} holds the weights of another model, not MobileNet alpha 0.75:`);
    expect((error as Error).message).toContain('tlc weights add FILE');
  });
});

describe('weights "model.json" converted from an older Keras, for a family that loads by order', () => {
  it('InceptionV3: every layer takes its own weights, in the order of the modelTopology', async () => {
    const source = buildBackbone('InceptionV3', { inputShape: [75, 75, 3] });
    await writeAutoNamedModelJson(source, join(home, 'inception'));
    const { backbone, weightsNote } = await buildPlanBackbone(plan('use InceptionV3 weights "inception/model.json" freeze all', '75x75 rgb'), { baseDir: home });
    expect(weightsNote).toContain(`loaded weights for 188 layers from ${join(home, 'inception', 'model.json')}`);
    expect(weightsNote).not.toMatch(/skipped|kept|unused/);
    const image = tf.randomUniform([1, 75, 75, 3], -1, 1, 'float32', 3);
    const [expected, actual] = [source, backbone].map((m) => tf.tidy(() => Array.from((m.predict(image) as tf.Tensor).mean([1, 2]).dataSync())));
    expect(Math.hypot(...actual.map((v, i) => v - expected[i])) / Math.hypot(...expected)).toBeLessThan(1e-5);
    image.dispose();
    source.dispose();
    backbone.dispose();
  }, 180_000);
});
