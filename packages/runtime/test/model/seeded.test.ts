// Repeatable runs: the same plan run twice starts from the same weights and, with the seeded
// batch order, trains to the same losses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunLog, runPlan, selectBackend } from '../../src/index';
import { makePlan, stage, tempDir, writeImageFolder } from '../run/fixtures';

let base: string;

beforeAll(async () => {
  await selectBackend('wasm');
  base = tempDir('seeded');
  await writeImageFolder(join(base, 'data'), 8);
});

const losses = (dir: string) => readFileSync(join(dir, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[2]);

describe('a run with weights none', () => {
  it('gives the same losses twice, and other losses with another seed', async () => {
    const log = new RunLog({ quiet: true });
    const plan = makePlan({ stages: [stage({ epochs: 2 })] });
    await runPlan(plan, { baseDir: base, out: join(base, 'a'), log });
    await runPlan(plan, { baseDir: base, out: join(base, 'b'), log });
    expect(losses(join(base, 'a'))).toEqual(losses(join(base, 'b')));
    const other = makePlan({ stages: [stage({ epochs: 2 })] });
    other.data!.seed = 8;
    await runPlan(other, { baseDir: base, out: join(base, 'c'), log });
    expect(losses(join(base, 'c'))).not.toEqual(losses(join(base, 'a')));
  });
});
