// `batch auto`: resolved once, right after the backend is chosen, into a plan with numbers. 32 on a
// CPU backend; on a GPU backend the largest power of two ≤ 256 whose training step fits, halving
// on out-of-memory (injected here, as train/out-of-memory.test.ts does: no device is exhausted in
// CI). A run records the choice in batch.json; its plan.json keeps 'auto'.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RunLog, runPlan } from '../../src/index';
import { modelStepProbe, resolveBatchSize, searchBatchSize } from '../../src/run/phases/batch-size';
import { makePlan, stage, tempDir, writeImageFolder } from './fixtures';

function autoPlan() {
  const plan = makePlan({ stages: [stage({ epochs: 1, batchSize: 'auto' }), stage({ name: 'fine-tune', epochs: 1, batchSize: 4 })] });
  return { ...plan, data: { ...plan.data!, batchSize: 'auto' as const } };
}

function capturedLog(): { log: RunLog; lines: string[] } {
  const lines: string[] = [];
  const out = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  return { log: new RunLog({ out }), lines };
}

const oom = () => new Error('WebGPU device out of memory: Out of memory');

describe('batch auto', () => {
  it('is 32 on a CPU backend, in every stage that says auto, and says so', async () => {
    const { log, lines } = capturedLog();
    const { plan, choice } = await resolveBatchSize(autoPlan(), 'wasm', log, { baseDir: tempDir('batch-auto'), probe: () => Promise.reject(new Error('no probe on a CPU backend')) });
    expect(plan.data?.batchSize).toBe(32);
    expect(plan.stages.map((s) => s.batchSize)).toEqual([32, 4]);
    expect(choice).toMatchObject({ batchSize: 32, backend: 'wasm', outOfMemory: [] });
    expect(lines.join('')).toContain('batch auto: 32 (wasm is a CPU backend)');
  });

  it('leaves a plan without auto as it is', async () => {
    const plan = makePlan();
    expect(await resolveBatchSize(plan, 'webgpu', new RunLog({ quiet: true }), { baseDir: '.' })).toEqual({ plan, choice: null });
  });

  it('on a GPU backend halves from 256 on out-of-memory and takes the first that fits', async () => {
    const tried: number[] = [];
    const { log, lines } = capturedLog();
    const probe = async (batch: number) => {
      tried.push(batch);
      if (batch > 64) throw oom();
    };
    const { plan, choice } = await resolveBatchSize(autoPlan(), 'webgpu', log, { baseDir: '.', probe });
    expect(tried).toEqual([256, 128, 64]);
    expect(plan.stages.map((s) => s.batchSize)).toEqual([64, 4]);
    expect(choice).toMatchObject({ batchSize: 64, backend: 'webgpu', outOfMemory: [256, 128] });
    expect(lines.join('')).toContain('batch auto: 64 (the largest training step that fits on webgpu: 256, 128 ran out of memory)');
  });

  it('takes 256 when it fits; other errors are not out-of-memory and stop the search; batch 1 out of memory is TL4205', async () => {
    expect(await searchBatchSize('tensorflow-gpu', async () => {})).toMatchObject({ batchSize: 256, outOfMemory: [] });
    await expect(searchBatchSize('webgpu', () => Promise.reject(new Error('shader failed')))).rejects.toThrow('shader failed');
    await expect(searchBatchSize('webgpu', () => Promise.reject(oom()))).rejects.toMatchObject({ code: 'TL4205' });
  });

  it('the GPU probe is a real training step of the plan\'s model, and a real allocation failure is out-of-memory', async () => {
    const probe = modelStepProbe(autoPlan(), '.');
    await expect(probe(2)).resolves.toBeUndefined();
    // Far more than any heap: the allocation itself fails, as on a device that is full.
    await expect(searchBatchSize('webgpu', (batch) => probe(batch === 256 ? 2 ** 31 : 2))).resolves.toMatchObject({ batchSize: 128, outOfMemory: [256] });
  });

  it('a run on wasm completes, records the choice in batch.json, and keeps auto in plan.json', async () => {
    const baseDir = tempDir('batch-auto-run');
    await writeImageFolder(join(baseDir, 'data'), 3);
    const out = join(baseDir, 'run');
    const summary = await runPlan(autoPlan(), { baseDir, out, backend: 'wasm', log: new RunLog({ quiet: true }) });
    expect(summary.stages).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8'))).toMatchObject({ batchSize: 32, backend: 'wasm' });
    const written = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(written.data.batchSize).toBe('auto');
    expect(written.stages[0].batchSize).toBe('auto');
    expect(JSON.parse(readFileSync(join(out, 'model', 'plan.json'), 'utf8')).data.batchSize).toBe(32);
    // --resume trains on with the recorded choice (no new search, whatever the backend now).
    const resumed = await resolveBatchSize(written, 'webgpu', new RunLog({ quiet: true }), { baseDir, resumeDir: out, probe: () => Promise.reject(new Error('searched again')) });
    expect(resumed.plan.stages.map((s) => s.batchSize)).toEqual([32, 4]);
  });
});
