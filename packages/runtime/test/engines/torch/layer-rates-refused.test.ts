// The torch trainer gives every layer the stage's rate: a plan with discriminative learning rates
// is refused (TL4325) before any job file is written, the first stage's included: never trained
// at one rate, never half trained. Needs no PyTorch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitTorchJob, RunError, RunLog } from '../../../src/index';
import { layersUntil, makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';

describe('the torch engine and discriminative learning rates', () => {
  it('refuses a plan with layer groups in any stage before its first stage, writing nothing', async () => {
    const base = tempDir('torch-layer-rates');
    await writeImageFolder(join(base, 'data'), 2);
    const block1 = layersUntil('conv_pw_1_relu').slice(1);
    const plan = makePlan({ stages: [stage({ epochs: 1 }), stage({ name: 'block1', epochs: 1, layerLearningRates: [{ blocks: ['block1'], layers: block1, learningRate: 1e-4 }] })] });
    const dir = join(base, 'job');
    const error = await emitTorchJob(plan, { dir, baseDir: base, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).code).toBe('TL4325');
    expect((error as RunError).message).toContain('stage block1');
    expect(existsSync(join(dir, 'job.json'))).toBe(false);
  });
});
