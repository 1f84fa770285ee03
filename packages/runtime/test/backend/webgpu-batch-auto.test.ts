// `batch auto` on the webgpu backend (CI: lavapipe): the search's step is a real training step on
// the device, and a real allocation that fails there (a batch far beyond any GPU's memory,
// standing in for 256 so the test stays small) is out-of-memory, so the search halves to the next.
import { afterAll, describe, expect, it } from 'vitest';
import { releaseBackend, selectBackend } from '../../src/backend/index';
import { RunLog } from '../../src/index';
import { modelStepProbe, resolveBatchSize } from '../../src/run/phases/batch-size';
import { makePlan, stage } from '../run/fixtures';
import { webgpuTestsRun } from './webgpu-adapter';

afterAll(() => releaseBackend());

describe.runIf(webgpuTestsRun)('batch auto on webgpu', () => {
  it('halves on the device\'s out-of-memory and takes the step that fits', async () => {
    const backend = await selectBackend('webgpu');
    const plan = makePlan({ stages: [stage({ epochs: 1, batchSize: 'auto' })] });
    const step = modelStepProbe(plan, '.');
    const tried: number[] = [];
    // 2^24 images of 32x32: a 64 GiB input no device holds. Below 256 the real batch, but 128 and 64
    // are made to fail the same way to keep lavapipe's work to one small step.
    const probe = (batch: number) => (tried.push(batch), step(batch > 32 ? 2 ** 24 : batch));
    const { plan: resolved, choice } = await resolveBatchSize(plan, backend.name, new RunLog({ quiet: true }), { baseDir: '.', probe });
    expect(tried).toEqual([256, 128, 64, 32]);
    expect(choice).toMatchObject({ batchSize: 32, backend: 'webgpu', outOfMemory: [256, 128, 64] });
    expect(resolved.stages[0]!.batchSize).toBe(32);
  });
});
