// Every resource a plan needs is checked before any image is decoded, each with its code, and a
// refused run leaves no run folder: the weights (a missing file, ImageNet offline: TL4207 with the
// URL and the path to place the file), the evaluation and predict folders (TL4101, TL4201), and
// the export path (TL4208). "Before decoding" is seen in the log: the `data:` line, printed once
// every image is decoded, never appears.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunError, RunLog, runPlan, selectBackend } from '../../src/index';
import { makePlan, tempDir, writeImageFolder } from './fixtures';

let base: string;
const home = process.env.TLC_HOME;

beforeAll(async () => {
  await selectBackend('cpu');
  base = tempDir('preflight');
  await writeImageFolder(join(base, 'data'), 4);
  // An empty cache: ImageNet weights must come from the network, which refuses.
  process.env.TLC_HOME = join(base, 'home');
});
afterAll(() => {
  if (home === undefined) delete process.env.TLC_HOME;
  else process.env.TLC_HOME = home;
});

/** Runs the plan into `out`; returns its refusal and everything the run printed. */
async function refused(plan: ReturnType<typeof makePlan>, out: string): Promise<{ error: { code: string; message: string }; printed: string }> {
  const lines: string[] = [];
  const log = new RunLog({ out: { write: (text: string) => lines.push(text) > 0 } as unknown as NodeJS.WritableStream });
  const error = await runPlan(plan, { baseDir: base, out: join(base, out), log }).then(
    () => { throw new Error('the run was not refused'); },
    (e: unknown) => e,
  );
  // A RunError, or the data pipeline's DataError: a TL code either way, no stack trace for people.
  expect((error as { code?: string }).code).toMatch(/^TL\d{4}$/);
  const printed = lines.join('');
  expect(printed, 'refused before any image is decoded').not.toMatch(/^data:/m);
  expect(existsSync(join(base, out)), 'no run folder is left').toBe(false);
  expect(existsSync(join(base, 'runs'))).toBe(false);
  return { error: error as RunError, printed };
}

describe('a run checks what it needs before any heavy work', () => {
  it('ImageNet weights that cannot be downloaded: TL4207 with the URL and the path to place the file', async () => {
    const url = 'http://127.0.0.1:1/mobilenet_not_shipped.h5';
    const plan = makePlan({ weights: { source: 'imagenet', url, hash: null, hashAlgorithm: null, fileName: 'mobilenet_not_shipped.h5' }, zooChecked: false });
    const { error } = await refused(plan, 'offline');
    expect(error.code).toBe('TL4207');
    expect(error.message).toContain(`url: ${url}`);
    expect(error.message, 'where the file goes by hand').toContain(join(base, 'home', 'weights', 'mobilenet_not_shipped.h5'));
    expect(readdirSync(join(base, 'home', 'weights')), 'no partial file in the cache').toEqual([]);
  });

  it('a weights file that does not exist: TL4207 naming it', async () => {
    const plan = makePlan({ weights: { source: 'file', path: 'nowhere/model.json', format: 'tfjs' } });
    const { error } = await refused(plan, 'no-weights');
    expect(error.code).toBe('TL4207');
    expect(error.message).toMatch(/the weights file .*nowhere\/model\.json does not exist/);
  });

  it('an evaluation folder or a predict folder that does not exist: TL4101, TL4201', async () => {
    const evaluate = await refused(makePlan({ evaluate: { on: 'directory', directory: 'test-images', tta: 'none', threshold: 0.5 } }), 'no-evaluate');
    expect(evaluate.error.code).toBe('TL4101');
    expect(evaluate.error.message).toMatch(/the evaluation folder does not exist: .*test-images/);
    const predict = await refused(makePlan({ predict: { directory: 'new-images' } }), 'no-predict');
    expect(predict.error.code).toBe('TL4201');
    expect(predict.error.message).toMatch(/new-images/);
  });

  it('an export path that holds other files, or lies under a file: TL4208, and those files are untouched', async () => {
    mkdirSync(join(base, 'shared'));
    writeFileSync(join(base, 'shared', 'notes.txt'), 'mine');
    const foreign = await refused(makePlan({ export: { path: 'shared', format: 'tfjs-layers' } }), 'export-foreign');
    expect(foreign.error.code).toBe('TL4208');
    expect(foreign.error.message).toMatch(/holds files a model save did not write \(notes\.txt\)/);
    expect(readFileSync(join(base, 'shared', 'notes.txt'), 'utf8')).toBe('mine');

    writeFileSync(join(base, 'a-file'), 'x');
    const under = await refused(makePlan({ export: { path: 'a-file/model', format: 'tfjs-layers' } }), 'export-under-file');
    expect(under.error.code).toBe('TL4208');
    expect(under.error.message).toMatch(/a-file is a file, not a folder/);
  });
});
