// The torch engine's data phase keeps no training pixels (its trainer decodes the training images
// itself from job.json's file list): the training images are still decoded once to find the bad
// ones, so a corrupt file is skipped with the same warning, or refused with the same TL4108, as on
// the tfjs engine, before the trainer starts; the file lists and labels are the tfjs engine's.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '@tlc/plan';
import { emitTorchJob, RunLog, runPlan } from '../../../src/index';
import { loadRunData } from '../../../src/run/phases/data';
import { JOB_FILES } from '../../../src/engines/torch/job';
import { RunError } from '../../../src/messages';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch } from './torch-env';

let baseDir: string;
const TIMEOUT = 300_000;

beforeAll(async () => {
  baseDir = tempDir('torch-training-pixels');
  await writeImageFolder(join(baseDir, 'data'), 6);
  // A PNG cut short (its header reads, its pixels do not) and a text file named .png.
  const whole = readFileSync(join(baseDir, 'data', 'disc', 'disc-0.png'));
  writeFileSync(join(baseDir, 'data', 'disc', 'cut.png'), whole.subarray(0, Math.floor(whole.length / 2)));
  writeFileSync(join(baseDir, 'data', 'stripes', 'text.png'), 'not an image');
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

function skipPlan(): Plan {
  const plan = makePlan({ stages: [stage({ epochs: 1, batchSize: 4 })] });
  plan.data!.onBadImage = 'skip';
  return plan;
}

function logLines(): { log: RunLog; lines: string[] } {
  const lines: string[] = [];
  return { log: new RunLog({ out: { write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream }), lines };
}

describe('the torch engine\'s data phase', () => {
  it('keeps no training pixels, with the tfjs engine\'s files, labels and skipped-file warning', async () => {
    const tfjs = logLines();
    const torch = logLines();
    const kept = await loadRunData(skipPlan(), { baseDir, engine: 'tfjs' }, tfjs.log);
    const listed = await loadRunData(skipPlan(), { baseDir, engine: 'torch' }, torch.log);
    expect(kept.loaded.training.holdsPixels).toBe(true);
    expect(listed.loaded.training.holdsPixels).toBe(false);
    expect(listed.loaded.training.bytesInMemory).toBe(0);
    expect(listed.loaded.validation!.holdsPixels).toBe(true);
    expect(listed.loaded.training.files).toEqual(kept.loaded.training.files);
    expect(Array.from(listed.loaded.training.labels)).toEqual(Array.from(kept.loaded.training.labels));
    expect(listed.loaded.validation!.files).toEqual(kept.loaded.validation!.files);
    // libvips's detail in parentheses may be lost when two decodes fail at once (data/decode.ts).
    const reasons = (line: string) => line.replace(/ \(vips[^)]*\)/gi, '');
    expect(torch.lines.map(reasons)).toEqual(tfjs.lines.map(reasons));
    expect(torch.lines.join('')).toMatch(/skipped 2 of 14 image files that cannot be used/);
  });

  it('refuses the bad files with the tfjs engine\'s TL4108 under `on bad image fail`, and --emit the same', async () => {
    const plan = makePlan({ stages: [stage({ epochs: 1, batchSize: 4 })] });
    const quiet = new RunLog({ quiet: true });
    const tfjs = await loadRunData(plan, { baseDir, engine: 'tfjs' }, quiet).catch((e: unknown) => e) as RunError;
    const torch = await loadRunData(plan, { baseDir, engine: 'torch' }, quiet).catch((e: unknown) => e) as RunError;
    const emitted = await emitTorchJob(plan, { dir: join(baseDir, 'refused-job'), baseDir, log: quiet, device: 'cpu', nproc: 1 }).catch((e: unknown) => e) as RunError;
    for (const error of [tfjs, torch, emitted]) {
      expect(error).toBeInstanceOf(RunError);
      expect(error.code).toBe('TL4108');
      expect(error.message).toContain(`${join(baseDir, 'data', 'disc', 'cut.png')}: truncated or corrupt image data`);
      expect(error.message).toContain(join(baseDir, 'data', 'stripes', 'text.png'));
    }
  });

  it('emits a job listing the tfjs engine\'s training files, without the skipped ones', async () => {
    const dir = join(baseDir, 'job');
    await emitTorchJob(skipPlan(), { dir, baseDir, log: new RunLog({ quiet: true }), device: 'cpu', nproc: 1 });
    const job = JSON.parse(readFileSync(join(dir, JOB_FILES.job), 'utf8')) as { train: { files: string[]; labels: number[] } };
    const kept = await loadRunData(skipPlan(), { baseDir, engine: 'tfjs' }, new RunLog({ quiet: true }));
    expect(job.train.files).toEqual(kept.loaded.training.files.map((f) => relative(join(baseDir, 'data'), f)));
    expect(job.train.labels).toEqual(Array.from(kept.loaded.training.labels));
  });
});

describeTorch('a torch run over a folder with bad images', () => {
  it('skips them as the tfjs engine does and trains on the rest', async () => {
    const { log, lines } = logLines();
    const summary = await runPlan(skipPlan(), { baseDir, out: join(baseDir, 'run'), engine: 'torch', log });
    expect(lines.join('')).toMatch(/skipped 2 of 14 image files that cannot be used/);
    expect(summary.stages[0]!.epochs).toBe(1);
    const job = JSON.parse(readFileSync(join(baseDir, 'run', 'torch', '1-train', JOB_FILES.job), 'utf8')) as { train: { files: string[] } };
    expect(job.train.files.some((f) => f.endsWith('cut.png') || f.endsWith('text.png'))).toBe(false);
  }, TIMEOUT);
});
