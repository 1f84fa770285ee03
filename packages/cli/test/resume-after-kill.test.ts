// An epoch's save is one commit (runtime run/epoch-commit.ts): a real `tlc run` SIGKILLed at
// chosen points inside the save (TLC_TEST_EXIT_AT, a hook that does nothing otherwise), then
// `tlc run --resume`, ends with the weights and metrics.csv of an uninterrupted run. Before the
// commit the resume continues from the epoch before; after it (state.json not yet in place, or
// checkpoints/last moved but not the optimizer state), from the killed epoch.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pretrainBackbone, tempDir, writeImageFolder } from '../../runtime/test/run/fixtures';
import { spawnTlc } from './tlc';

// Stage 1 (pretrained weights) keeps its first block frozen (its weights go once to checkpoints/frozen/), stage 2
// trains it; Adam's moments and the epoch count must carry over.
const SOURCE = `pipeline "commit"

data "data" {
  image 32x32 grayscale
  validation 25% seed 7
  batch 4
}

use MobileNet alpha 0.25 weights "PRETRAINED" freeze until block1 cut after block3
preprocess rescale 1/255
head dense 2

train {
  epochs 2
  optimizer adam lr 1e-2
}

fine tune "all" {
  epochs 1
  unfreeze all
  optimizer adam lr 1e-3
}

export "model"
`;

let dir: string;
let whole: string;

/** The files that must match the uninterrupted run's. */
function fingerprint(run: string): { file: string; bytes: Buffer }[] {
  return ['model/weights.bin', 'checkpoints/last/weights.bin', 'checkpoints/best/weights.bin'].map((file) => ({ file, bytes: readFileSync(path.join(run, file)) }));
}

function metrics(run: string): string[] {
  // stage, epoch, loss, accuracy, val_loss, val_accuracy (not the timings).
  return readFileSync(path.join(run, 'metrics.csv'), 'utf8').trim().split('\n').map((row) => row.split(',').slice(0, 6).join(','));
}

beforeAll(async () => {
  dir = tempDir('cli-resume-after-kill');
  await writeImageFolder(path.join(dir, 'data'), 6);
  const pretrained = await pretrainBackbone(dir, 'pretrained');
  writeFileSync(path.join(dir, 'commit.tl'), SOURCE.replace('PRETRAINED', pretrained.path));
  whole = path.join(dir, 'whole');
  const result = spawnTlc(['run', 'commit.tl', '--out', whole], dir);
  if (result.status !== 0) throw new Error(`the uninterrupted run failed: ${result.stdout}${result.stderr}`);
}, 300_000);

describe('tlc run killed inside an epoch save, then --resume', () => {
  const points = [
    // Staged, not committed: the resume redoes epoch 2.
    { at: 'after-last-checkpoint:train/2', resumesAfter: 'stage train after epoch 1' },
    // checkpoints/last holds epoch 2 and state.json still says epoch 1: the commit is completed.
    { at: 'after-move-last:train/2', resumesAfter: 'stage train after epoch 2' },
    // The stage's end committed (its best weights as checkpoints/last), state.json not yet moved.
    { at: 'after-commit:end/train', resumesAfter: 'stage all after epoch 0' },
  ];
  for (const { at, resumesAfter } of points) {
    it(`at ${at}: the resumed run ends with the uninterrupted run's weights`, () => {
      const out = path.join(dir, at.replace(/[:/]/g, '-'));
      const killed = spawnTlc(['run', 'commit.tl', '--out', out], dir, { TLC_TEST_EXIT_AT: at });
      expect(killed.status, `${killed.stdout}${killed.stderr}`).toBeNull();
      const resumed = spawnTlc(['run', '--resume', out], dir);
      const output = `${resumed.stdout}${resumed.stderr}`;
      expect(resumed.status, output).toBe(0);
      expect(output).toContain(`resuming ${out}: ${resumesAfter}`);
      expect(output).not.toMatch(/moments restart/);
      for (const [i, { file, bytes }] of fingerprint(whole).entries()) {
        expect(Buffer.compare(fingerprint(out)[i]!.bytes, bytes), `${file} differs from the uninterrupted run's`).toBe(0);
      }
      expect(metrics(out)).toEqual(metrics(whole));
    }, 300_000);
  }
});
