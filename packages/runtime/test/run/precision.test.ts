// `precision bf16` on the tfjs engine, which has no bfloat16: the run trains in float32 and says
// so once (TL4328), naming every stage that asked, and ends as a float32 run does.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLog, runPlan } from '../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from './fixtures';

let baseDir: string;
beforeAll(async () => {
  baseDir = tempDir('precision');
  await writeImageFolder(join(baseDir, 'data'), 4);
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

describe('precision bf16 on the tfjs engine', () => {
  it('warns once (TL4328) naming the stages, and trains in float32 to the end', async () => {
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
    const plan = makePlan({
      stages: [
        stage({ epochs: 1, batchSize: 4, precision: 'bf16' }),
        stage({ name: 'fine-tune', epochs: 1, batchSize: 4, precision: 'bf16' }),
      ],
    });
    const summary = await runPlan(plan, { baseDir, out: join(baseDir, 'run'), backend: 'cpu', log });
    const warnings = lines.join('').split('\n').filter((l) => l.startsWith('warning['));
    expect(warnings).toEqual(['warning[TL4328]: the tfjs engine has no bfloat16: it trains stages train and fine-tune in float32, not in the `precision bf16` asked for (the same model, the same results up to rounding)']);
    expect(lines.join('')).toContain('help: to compute in bfloat16, run with `--engine torch`');
    expect(existsSync(join(summary.runDir, 'evaluation.json'))).toBe(true);
  });

  it('says nothing for float32', async () => {
    const lines: string[] = [];
    const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
    await runPlan(makePlan({ stages: [stage({ epochs: 1, batchSize: 4 })] }), { baseDir, out: join(baseDir, 'run-32'), backend: 'cpu', log });
    expect(lines.join('')).not.toContain('TL4328');
  });
});
