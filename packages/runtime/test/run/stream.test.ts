// Data larger than memory, end to end: the same runs with the memory share set tiny, so the
// decoded pixels are streamed from the pixel cache on disk and the frozen trunk's features go to
// disk too, give exactly the in-memory runs' results: the same metrics, evaluation and weights,
// with the feature cache, with augmentation (seeded shuffling, validation split), and across a
// crash and --resume. The second streamed run reuses the cache.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFromDir } from '@tlc/zoo';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunLog, runPlan, selectBackend, type RunOptions } from '../../src/index';
import { BACKBONE, layersUntil, makePlan, pretrainBackbone, stage, tempDir, weightValues, writeImageFolder } from './fixtures';

const TINY = 1e-12;
let base: string;
let cache: string;
let pretrained: string;

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('stream');
  cache = join(base, 'pixel-cache');
  await writeImageFolder(join(base, 'data'), 12);
  await writeImageFolder(join(base, 'holdout'), 4, 2);
  ({ path: pretrained } = await pretrainBackbone(base, 'pretrained'));
});

function capture(): { log: RunLog; text: () => string } {
  const lines: string[] = [];
  return { log: new RunLog({ out: { write: (t: string) => lines.push(t) > 0 } as unknown as NodeJS.WritableStream }), text: () => lines.join('') };
}

/** What a run produced that must not depend on where the pixels were: metrics (times aside), evaluation, weights. */
async function results(out: string): Promise<unknown> {
  const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').map((line) => line.split(',').slice(0, 7).join(','));
  const evaluation = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
  const model = await loadModelFromDir(join(out, 'model'));
  const weights = Object.fromEntries([...weightValues(model)].map(([name, values]) => [name, Array.from(values)]));
  model.dispose();
  return { csv, evaluation, weights };
}

async function bothWays(name: string, plan: ReturnType<typeof makePlan>, extra: Partial<RunOptions> = {}): Promise<{ memory: string; streamed: string; log: string }> {
  const memory = join(base, `${name}-memory`);
  await runPlan(plan, { baseDir: base, out: memory, log: new RunLog({ quiet: true }), pixelCacheDir: cache, ...extra });
  const streamed = join(base, `${name}-streamed`);
  const { log, text } = capture();
  await runPlan(plan, { baseDir: base, out: streamed, log, memoryShare: TINY, pixelCacheDir: cache, ...extra });
  return { memory, streamed, log: text() };
}

describe('a run streamed from the pixel cache', () => {
  it('gives exactly the in-memory run, the frozen trunk\'s features on disk too', async () => {
    const frozen = layersUntil(BACKBONE.outputLayer);
    const plan = makePlan({ weights: { source: 'file', path: pretrained, format: 'tfjs' }, frozen, stages: [stage({ frozenLayers: frozen, epochs: 2 }), stage({ name: 'fine-tune', frozenLayers: layersUntil('conv_pw_3_relu'), epochs: 1 })] });
    const { memory, streamed, log } = await bothWays('features', plan);
    expect(log).toMatch(/pixels: 24 images need 24\.0 KiB, more than the memory share \(1e-10%, TLC_MEMORY_SHARE\): streamed from the pixel cache .* \(decoded into it now\)/);
    expect(log).toMatch(/features on disk/);
    expect(await results(streamed)).toEqual(await results(memory));
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it('gives exactly the in-memory run with augmentation, and reuses the cache; an evaluation folder streams too', async () => {
    const plan = makePlan({ stages: [stage({ epochs: 2 })], evaluate: { on: 'directory', directory: 'holdout', tta: 'none', threshold: 0.5 } });
    plan.data!.augment = { rotation: 10, zoom: [0.9, 1.1], shear: 0, shiftWidth: 0.1, shiftHeight: 0.1, channelShift: 10, fill: { mode: 'nearest', value: 0 }, horizontalFlip: true, verticalFlip: false, brightness: null, mixup: 0, cutmix: 0, randomCrop: null, seed: 3 };
    const { memory, streamed, log } = await bothWays('augmented', plan);
    expect(log).toMatch(/pixels: 24 images .* streamed from the pixel cache .* \(reused from an earlier run\)/);
    expect(log).toMatch(/pixels: 8 images .* streamed from the pixel cache .* \(decoded into it now\)/);
    expect(log).toMatch(/evaluation on holdout: .*\(8 images/);
    expect(await results(streamed)).toEqual(await results(memory));
  });

  it('resumes a streamed run after a crash to the same result as the in-memory run', async () => {
    const frozen = layersUntil(BACKBONE.outputLayer);
    const plan = makePlan({ weights: { source: 'file', path: pretrained, format: 'tfjs' }, frozen, stages: [stage({ frozenLayers: frozen, epochs: 3 })] });
    const results3 = [];
    for (const memoryShare of [undefined, TINY]) {
      const out = join(base, `resume-${memoryShare ?? 'memory'}`);
      const crashing = new RunLog({
        out: { write: (text: string) => { if (text.includes('epoch 2/3')) throw new Error('power cut'); return true; } } as unknown as NodeJS.WritableStream,
      });
      await expect(runPlan(plan, { baseDir: base, out, log: crashing, memoryShare, pixelCacheDir: cache })).rejects.toThrow('power cut');
      const { log, text } = capture();
      await runPlan(plan, { baseDir: base, resume: out, log, memoryShare, pixelCacheDir: cache });
      expect(text()).toMatch(/resuming .* after epoch 2/);
      if (memoryShare) expect(text()).toMatch(/streamed from the pixel cache/);
      results3.push(await results(out));
    }
    expect(results3[1]).toEqual(results3[0]);
  });
});
