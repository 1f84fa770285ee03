// Freezing like Keras, on a real run: a backbone pretrained by a first run is fine-tuned from its
// block3 with the earlier blocks frozen. Frozen weights must not change, the tail's must; every
// BatchNormalization layer of the backbone (frozen, or fine-tuned with batchNormInference) keeps
// its moving mean and variance exactly, which tfjs-layers alone would not do.
import { join } from 'node:path';
import { loadModelFromDir } from '@tlc/zoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunLog, runPlan, selectBackend } from '../../src/index';
import { BACKBONE, layersUntil, makePlan, pretrainBackbone, stage, tempDir, weightValues, writeImageFolder } from '../run/fixtures';

let base: string;
let pretrained: string;

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('freeze');
  await writeImageFolder(join(base, 'data'), 12);
  pretrained = (await pretrainBackbone(base, 'pretrained')).path;
});

const changed = (a: Float32Array, b: Float32Array) => a.some((v, i) => v !== b[i]);

describe('fine-tuning with frozen layers', () => {
  it('keeps frozen weights and every backbone BN statistic, and trains the tail', async () => {
    const frozen = layersUntil('conv_pw_3_relu');
    const plan = makePlan({
      weights: { source: 'file', path: pretrained, format: 'tfjs' },
      frozen,
      stages: [stage({ frozenLayers: frozen, epochs: 2, batchNormInference: true })],
    });
    const out = join(base, 'run');
    const summary = await runPlan(plan, { baseDir: base, out, log: new RunLog({ quiet: true }) });
    expect(summary.trunk).toContain('conv_pw_3_relu');

    const before = weightValues(await loadModelFromDir(join(base, pretrained)));
    const after = weightValues(await loadModelFromDir(join(out, 'model')));
    const frozenSet = new Set(frozen);
    const layerOf = (name: string) => name.split('/')[0];
    let checkedStats = 0;
    for (const [name, value] of after) {
      const original = before.get(name);
      if (!original || layerOf(name).startsWith('head')) continue;
      if (/moving_(mean|variance)/.test(name)) {
        expect(changed(original, value), `${name} changed`).toBe(false);
        checkedStats++;
      } else if (frozenSet.has(layerOf(name))) {
        expect(changed(original, value), `${name} is frozen but changed`).toBe(false);
      }
    }
    // Every BN layer up to conv_pw_5 (frozen or not): 11 layers, 2 statistics each.
    expect(checkedStats).toBe(22);
    // The tail trained: conv_pw_4 and conv_pw_5 kernels moved.
    expect(changed(before.get('conv_pw_4/kernel')!, after.get('conv_pw_4/kernel')!)).toBe(true);
    expect(changed(before.get('conv_pw_5/kernel')!, after.get('conv_pw_5/kernel')!)).toBe(true);
    expect(BACKBONE.outputLayer).toBe('conv_pw_5_relu');
  });
});
