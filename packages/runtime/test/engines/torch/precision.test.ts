// `precision bf16` on the torch engine: the stage trains under PyTorch's bfloat16 autocast (here on
// the CPU, which torch 1.13 autocasts too), so its losses move away from float32's by bfloat16's
// rounding (8 mantissa bits) and no further; weights stay float32 and the run ends as any run.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RunLog, runPlan } from '../../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch } from './torch-env';

let baseDir: string;
beforeAll(async () => {
  baseDir = tempDir('torch-precision');
  await writeImageFolder(join(baseDir, 'data'), 8);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

const losses = (runDir: string) => readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((r) => Number(r.split(',')[2]));

describeTorch('precision bf16 on the torch engine', () => {
  it('trains under bfloat16 autocast: losses near float32\'s, not equal', async () => {
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
    const plan = (precision: 'float32' | 'bf16') => makePlan({ stages: [stage({ epochs: 2, batchSize: 4, precision })] });
    const full = await runPlan(plan('float32'), { baseDir, out: join(baseDir, 'run-32'), engine: 'torch', log: new RunLog({ quiet: true }) });
    const half = await runPlan(plan('bf16'), { baseDir, out: join(baseDir, 'run-bf16'), engine: 'torch', log });
    expect(lines.join('')).toMatch(/PyTorch .* trains the whole model, 1 process on cpu \(gloo, \d+ threads? each, bfloat16 autocast\)/);
    expect(lines.join('')).not.toContain('TL4328');
    const [a, b] = [losses(full.runDir), losses(half.runDir)];
    expect(b).toHaveLength(2);
    a.forEach((loss, i) => {
      expect(b[i]).not.toBe(loss);
      expect(Math.abs(b[i] - loss) / loss).toBeLessThan(0.1);
    });
  }, 300_000);
});
