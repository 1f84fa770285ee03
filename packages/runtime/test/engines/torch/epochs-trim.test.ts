// An emitted job's epochs.jsonl after a kill: the trainer writes an epoch's row before its atomic
// checkpoint.pt, and a rerun of launch.sh (resuming from checkpoint.pt) keeps only the rows up to
// the checkpoint's epoch (tlc_torch.trainer.trim_epochs), so import-run sees each epoch once.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pythonEnv } from '../../../src/engines/torch/python';
import { tempDir } from '../../run/fixtures';
import { describeTorch, torchPython } from './torch-env';

const row = (stage: string, epoch: number) => JSON.stringify({ record: { stage, epoch, loss: 1 }, best: false });

describeTorch('epochs.jsonl on a rerun from checkpoint.pt', () => {
  it('keeps the rows up to the checkpoint, drops later ones and one a kill cut short', () => {
    const file = join(tempDir('epochs-trim'), 'epochs.jsonl');
    const run = (stage: number, completed: number) => {
      const script = `import sys; from tlc_torch.trainer import trim_epochs; trim_epochs(sys.argv[1], {"train": 0, "all": 1}, ${stage}, ${completed})`;
      const result = spawnSync(torchPython!.python, ['-c', script, file], { encoding: 'utf8', env: pythonEnv() });
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l).record; return `${r.stage} ${r.epoch}`; });
    };
    // Killed after writing stage all's epoch 2 row (and half of the next), before its checkpoint.
    writeFileSync(file, `${[row('train', 1), row('train', 2), row('all', 1), row('all', 2)].join('\n')}\n{"record": {"sta`);
    expect(run(1, 1)).toEqual(['train 1', 'train 2', 'all 1']);
    // A checkpoint at a stage's end (the next stage, 0 epochs) keeps every row of the stages before it.
    writeFileSync(file, `${[row('train', 1), row('train', 2)].join('\n')}\n`);
    expect(run(1, 0)).toEqual(['train 1', 'train 2']);
    expect(run(0, 1)).toEqual(['train 1']);
  });
});
