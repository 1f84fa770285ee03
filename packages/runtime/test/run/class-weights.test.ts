// A misspelt class in `class weights` stops the run with TL2030 and "did you mean" once the class
// folders are scanned, before any image is decoded (the data folder here also holds an image
// that cannot be decoded: the run must not get that far) and before a run folder exists.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLog, runPlan } from '../../src/index';
import { checkClassWeightNames } from '../../src/train/class-weights';
import { makePlan, stage, tempDir, writeImageFolder } from './fixtures';

describe('class weights against the class folders', () => {
  it('a class the data does not have is TL2030 before decoding, with the closest class', async () => {
    const baseDir = tempDir('class-weights');
    await writeImageFolder(join(baseDir, 'data'), 2);
    writeFileSync(join(baseDir, 'data', 'disc', 'broken.png'), 'not a PNG');
    const plan = makePlan({
      stages: [stage({ epochs: 1 }), stage({ name: 'fine-tune', epochs: 1, classWeights: { mode: 'manual', weights: { disc: 1, stripe: 2 } } })],
    });
    const error = await runPlan(plan, { baseDir, out: join(baseDir, 'run'), backend: 'cpu', log: new RunLog({ quiet: true }) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TL2030' });
    expect((error as Error).message).toContain('`stripe` (did you mean `stripes`?)');
    expect((error as Error).message).toContain('stage `fine-tune`');
    expect(readdirSync(baseDir)).toEqual(['data']);
  });

  it('accepts weights that name classes, and balanced weights', () => {
    const classes = ['disc', 'stripes'];
    expect(() => checkClassWeightNames([stage({ classWeights: { mode: 'manual', weights: { stripes: 2 } } })], classes)).not.toThrow();
    expect(() => checkClassWeightNames([stage({ classWeights: { mode: 'balanced' } })], classes)).not.toThrow();
    expect(() => checkClassWeightNames([stage({ classWeights: { mode: 'manual', weights: { Disc: 2 } } })], classes)).toThrow(/did you mean `disc`/);
  });
});
