// `tlc run`, `tlc predict` and `tlc embed` end to end (in process) on a small real PNG folder:
// a .tl pipeline trained from scratch with --json (the last stdout line is the summary), the
// exported model used by predict, embed's vectors, a refused plan JSON naming the JSON path, and
// usage errors.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeImageFolder } from '../../runtime/test/run/fixtures';
import { compile } from '@tlc/language';
import { runTlc } from './tlc';

const SOURCE = `pipeline "cli"

data "data" {
  image 32x32 grayscale
  validation 25% seed 7
  batch 8
}

use MobileNet alpha 0.25 weights none freeze none cut after block3
preprocess rescale 1/255
head dense 2

train {
  epochs 2
  optimizer adam lr 1e-2
}

evaluate validation
export "model"
`;

let dir: string;

beforeAll(async () => {
  dir = tempDir('cli-run');
  await writeImageFolder(path.join(dir, 'data'), 12);
  writeFileSync(path.join(dir, 'cli.tl'), SOURCE);
});

describe('tlc run', () => {
  it('trains a .tl pipeline; with --json the last stdout line is the summary', async () => {
    const result = await runTlc(['run', 'cli.tl', '--json', '--out', 'out', '--backend', 'wasm'], dir);
    expect(result.stderr).toMatch(/^backend: wasm/);
    expect(result.stderr).toMatch(/train epoch 2\/2/);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(summary.runDir).toBe(path.join(dir, 'out'));
    expect(summary.backend).toBe('wasm');
    expect(summary.stages).toHaveLength(1);
    expect(summary.stages[0]).toMatchObject({ name: 'train', epochs: 2 });
    expect(summary.evaluation.confusion).toHaveLength(2);
    expect(typeof summary.seconds).toBe('number');
  });

  it('predict refuses a --threshold outside 0..1 with a usage error, and any --threshold for a single-label model (TL4213); its JSON has no `labels`', async () => {
    for (const bad of ['2', '0', 'half']) {
      const result = await runTlc(['predict', 'model', 'data/disc', '--threshold', bad], dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('--threshold must be a number between 0 and 1');
    }
    // A softmax model predicts one class whatever the threshold: refused, not silently ignored.
    const refused = await runTlc(['predict', 'model', 'data/stripes/stripes-0.png', '--threshold', '0.3', '--json'], dir);
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout.trim().split('\n').pop()!).error).toMatchObject({ code: 'TL4213', message: expect.stringContaining('but model has a softmax over 2 classes') });
    const plain = await runTlc(['predict', 'model', 'data/stripes/stripes-0.png'], dir);
    expect(plain.status).toBe(0);
    expect((await runTlc(['predict', 'model', 'data/stripes/stripes-0.png', '--threshold', '0.3'], dir)).stderr).toMatch(/^error\[TL4213\]: --threshold applies to a multi-label model/);
    const result = await runTlc(['predict', 'model', 'data/stripes/stripes-0.png', '--json'], dir);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)[0]).not.toHaveProperty('labels');
  });

  it('predict labels images with the exported model (--json)', async () => {
    const result = await runTlc(['predict', 'model', 'data/stripes/stripes-0.png', 'data/disc', '--json'], dir);
    expect(result.status).toBe(0);
    const predictions = JSON.parse(result.stdout);
    expect(predictions).toHaveLength(13);
    expect(predictions[0].file).toBe(path.join('data', 'stripes', 'stripes-0.png'));
    expect(Object.keys(predictions[0].probabilities)).toEqual(['disc', 'stripes']);
    expect(['disc', 'stripes']).toContain(predictions[0].label);
    // --tta: the same images, each averaged with its mirror image (predict-tta.test.ts checks the values).
    const tta = await runTlc(['predict', 'model', 'data/stripes/stripes-0.png', 'data/disc', '--json', '--tta'], dir);
    expect(tta.status).toBe(0);
    expect(JSON.parse(tta.stdout).map((p: { file: string }) => p.file)).toEqual(predictions.map((p: { file: string }) => p.file));
    expect(tta.stderr).toBe('');
    // A model trained with vertical flips only: --tta warns (TL4212) and still predicts.
    const plan = JSON.parse(readFileSync(path.join(dir, 'model', 'plan.json'), 'utf8'));
    const flipped = compile(SOURCE.replace('head dense 2', 'head dense 2\naugment { flip vertical }')).plan!;
    cpSync(path.join(dir, 'model'), path.join(dir, 'model-vflip'), { recursive: true });
    writeFileSync(path.join(dir, 'model-vflip', 'plan.json'), JSON.stringify({ ...plan, data: { ...plan.data, augment: flipped.data!.augment } }));
    const warned = await runTlc(['predict', 'model-vflip', 'data/disc', '--tta'], dir);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toMatch(/^warning\[TL4212\]: --tta averages each image with its left-right mirror image, but model-vflip was trained with vertical flips only/);
    expect(warned.stdout.trim().split('\n')).toHaveLength(12);
  });

  it('predict takes a run folder (as `run folder:` prints it) for its model/, and says so of one not finished', async () => {
    const fromExport = JSON.parse((await runTlc(['predict', 'model', 'data/disc', '--json'], dir)).stdout);
    const fromRun = await runTlc(['predict', 'out', 'data/disc', '--json'], dir);
    expect(fromRun.status, fromRun.stderr).toBe(0);
    expect(JSON.parse(fromRun.stdout)).toEqual(fromExport);
    // A run stopped before it exported: no model/ yet.
    cpSync(path.join(dir, 'out'), path.join(dir, 'unfinished'), { recursive: true });
    rmSync(path.join(dir, 'unfinished', 'model'), { recursive: true });
    const unfinished = await runTlc(['predict', 'unfinished', 'data/disc'], dir);
    expect(unfinished.status).toBe(1);
    expect(unfinished.stderr).toMatch(/^error\[TL4202\]: unfinished is a run folder without a model\/ yet: the run has not finished/);
  });

  it('predict refuses a model folder whose plan.json was edited by hand or whose files disagree, saying what is wrong', async () => {
    const copy = (name: string) => {
      cpSync(path.join(dir, 'model'), path.join(dir, name), { recursive: true });
      return path.join(dir, name);
    };
    const plan = JSON.parse(readFileSync(path.join(dir, 'model', 'plan.json'), 'utf8'));
    writeFileSync(path.join(copy('edited'), 'plan.json'), JSON.stringify({ ...plan, preprocess: { ...plan.preprocess, mean: [0.5] } }));
    writeFileSync(path.join(copy('three-labels'), 'labels.json'), JSON.stringify(['disc', 'stripes', 'dots']));
    rmSync(path.join(copy('no-plan'), 'plan.json'));
    const shard = path.join(copy('cut-short'), 'weights.bin');
    writeFileSync(shard, readFileSync(shard).subarray(0, 1000));
    const cases: [string, RegExp][] = [
      ['cut-short', /^error\[TL4202\]: cut-short is not an exported tlc model that loads: the weights of .*model\.json are 1000 bytes where its manifest declares \d+: a shard was cut short/],
      ['edited', /^error\[TL3104\]: .*plan\.json: preprocessing constants that do not match their mode:\n {2}\/preprocess\/mean: is \[0\.5\] but "rescale" preprocessing uses \[0\]/],
      ['three-labels', /^error\[TL4202\]: three-labels's labels\.json names 3 classes but its plan's head outputs 2/],
      ['no-plan', /^error\[TL4202\]: no-plan is not an exported tlc model: it has no plan\.json/],
      [path.join('model', 'model.json'), /^error\[TL4202\]: .*model\.json is a file, not a model folder/],
    ];
    for (const [folder, says] of cases) {
      const result = await runTlc(['predict', folder, 'data/disc'], dir);
      expect(result.stderr).toMatch(says);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
    }
  });

  it('embed prints one pooled feature vector per image (--json)', async () => {
    const result = await runTlc(['embed', 'cli.tl', 'data/disc/disc-0.png', '--json'], dir);
    expect(result.status).toBe(0);
    const [embedding] = JSON.parse(result.stdout);
    expect(embedding.features).toHaveLength(64);
  });

  it('embed says when the features come from random filters (weights none), and predict and embed name a file that is no image (TL4108)', async () => {
    const embedded = await runTlc(['embed', 'cli.tl', 'data/disc/disc-0.png'], dir);
    expect(embedded.status).toBe(0);
    expect(embedded.stderr).toMatch(/^warning\[TL4210\]: MobileNet has random weights here \(`weights none`\), and embed trains nothing: the features come from random filters/);
    writeFileSync(path.join(dir, 'notes.png'), 'not an image at all');
    for (const args of [['embed', 'cli.tl', 'notes.png'], ['predict', 'model', 'notes.png']]) {
      const result = await runTlc(args, dir);
      expect(result.stderr).toMatch(/error\[TL4108\]: .*notes\.png/);
      expect(result.status).toBe(1);
    }
  });

  it('predict --on-bad-image: a corrupt PNG in a folder stops every image by default (TL4108, saying how to skip it); skip labels the others and lists it with its reason, in text and JSON; a broken file named directly stays an error', async () => {
    const photos = path.join(dir, 'photos');
    mkdirSync(photos);
    for (const name of ['disc-0.png', 'disc-1.png']) cpSync(path.join(dir, 'data', 'disc', name), path.join(photos, name));
    cpSync(path.join(dir, 'data', 'stripes', 'stripes-0.png'), path.join(photos, 'stripes-0.png'));
    // A real PNG cut off halfway: its signature and header are intact, its image data is not.
    const png = readFileSync(path.join(dir, 'data', 'stripes', 'stripes-1.png'));
    writeFileSync(path.join(photos, 'cut.png'), png.subarray(0, Math.floor(png.length / 2)));
    const cut = path.join('photos', 'cut.png');

    const failed = await runTlc(['predict', 'model', 'photos'], dir);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^error\[TL4108\]: .*cut\.png is not an image tlc can read/);
    expect(failed.stderr).toContain('add --on-bad-image skip');
    expect((await runTlc(['predict', 'model', 'photos', '--on-bad-image', 'fail'], dir)).status).toBe(1);

    const text = await runTlc(['predict', 'model', 'photos', '--on-bad-image', 'skip'], dir);
    expect(text.status).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const name of ['disc-0.png', 'disc-1.png', 'stripes-0.png']) expect(lines.find((l) => l.startsWith(path.join('photos', name)))).toMatch(/\s(disc|stripes)\s+\d+\.\d%$/);
    expect(lines[3]).toMatch(new RegExp(`^${cut.replace(/[.\\/]/g, '\\$&')}\\s+skipped: \\S`));
    expect(text.stderr).toMatch(/warning\[TL4108\]: skipped 1 of 4 images/);

    const json = await runTlc(['predict', 'model', 'photos', '--on-bad-image', 'skip', '--json'], dir);
    expect(json.status).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer.predictions.map((p: { file: string }) => p.file)).toEqual(['disc-0.png', 'disc-1.png', 'stripes-0.png'].map((n) => path.join('photos', n)));
    expect(answer.skipped).toEqual([{ file: cut, reason: expect.any(String) }]);
    expect(answer.skipped[0].reason.length).toBeGreaterThan(3);
    // The same probabilities as without the broken file.
    const alone = JSON.parse((await runTlc(['predict', 'model', path.join('photos', 'disc-0.png'), '--json'], dir)).stdout);
    expect(answer.predictions[0].probabilities.disc).toBeCloseTo(alone[0].probabilities.disc, 5);

    // Named directly, a broken file is the error it always was, skip or not.
    const direct = await runTlc(['predict', 'model', cut, path.join('photos', 'disc-0.png'), '--on-bad-image', 'skip'], dir);
    expect(direct.status).toBe(1);
    expect(direct.stderr).toMatch(/^error\[TL4108\]: .*cut\.png/);
    expect(direct.stderr).not.toContain('add --on-bad-image skip');
    // A folder where nothing can be read labels nothing: an error, not an empty answer.
    const broken = path.join(dir, 'broken');
    mkdirSync(broken);
    cpSync(path.join(photos, 'cut.png'), path.join(broken, 'cut.png'));
    writeFileSync(path.join(broken, 'empty.png'), '');
    const none = await runTlc(['predict', 'model', 'broken', '--on-bad-image', 'skip', '--json'], dir);
    expect(none.status).toBe(1);
    expect(JSON.parse(none.stdout.trim().split('\n').at(-1)!).error.code).toBe('TL4108');
    expect(JSON.parse(none.stdout.trim().split('\n').at(-1)!).error.message).toMatch(/none of the 2 images could be read[\s\S]*cut\.png[\s\S]*empty\.png/);
    const usage = await runTlc(['predict', 'model', 'photos', '--on-bad-image', 'ignore'], dir);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--on-bad-image must be skip or fail');
  });

  it('runs a model spec (no data statement) on the folder --data names', async () => {
    writeFileSync(path.join(dir, 'spec.tl'), 'use MobileNet alpha 0.25 weights none freeze none cut after block3\npreprocess rescale 1/255\nhead dense 2\ntrain { epochs 1 }\n');
    const result = await runTlc(['run', 'spec.tl', '--data', 'data', '--out', 'spec-out', '--json', '--quiet'], dir);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(summary.stages[0].epochs).toBe(1);
    const without = await runTlc(['run', 'spec.tl', '--quiet'], dir);
    expect(without.status).toBe(1);
    expect(without.stderr).toMatch(/^error\[TL4204\]: .*--data DIR/m);
    const json = await runTlc(['run', 'spec.tl', '--json', '--quiet'], dir);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout.trim().split('\n').pop()!)).toEqual({ error: { code: 'TL4204', message: expect.stringContaining('--data DIR') } });
  });

  it('never writes into a folder that holds files: --out naming a finished run, an interrupted one or any other file is refused before any decoding (TL4206)', async () => {
    const files = ['metrics.csv', 'model/weights.bin', 'checkpoints/last/weights.bin', 'plan.json'];
    const before = files.map((f) => readFileSync(path.join(dir, 'out', f)));
    const again = await runTlc(['run', 'cli.tl', '--out', 'out'], dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^error\[TL4206\]: --out .*out holds a finished run; a run never writes over another folder's files: give a new folder/m);
    expect(again.stdout, 'refused before the data is read').not.toMatch(/^data:/m);
    expect(files.map((f) => readFileSync(path.join(dir, 'out', f)))).toEqual(before);

    mkdirSync(path.join(dir, 'interrupted'));
    writeFileSync(path.join(dir, 'interrupted', 'state.json'), '{}');
    const interrupted = await runTlc(['run', 'cli.tl', '--out', 'interrupted'], dir);
    expect(interrupted.stderr).toMatch(/error\[TL4206\]: .*holds an interrupted run \(continue it with `tlc run --resume .*interrupted`\)/);
    writeFileSync(path.join(dir, 'a-file'), 'mine');
    const file = await runTlc(['run', 'cli.tl', '--out', 'a-file'], dir);
    expect(file.stderr).toMatch(/error\[TL4206\]: --out .*a-file is a file, not a folder/);
    expect(readFileSync(path.join(dir, 'a-file'), 'utf8')).toBe('mine');
    expect(readdirSync(path.join(dir, 'interrupted'))).toEqual(['state.json']);

    const usage = await runTlc(['run', '--resume', 'out', '--out', 'elsewhere'], dir);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--out cannot go with it/);
    expect((await runTlc(['run', '--help'], dir)).stdout).toMatch(/never overwrites another run/);
  });

  it('refuses a plan JSON that fails validation, naming the JSON path', async () => {
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ version: 1, name: 'x' }));
    const result = await runTlc(['run', 'bad.json'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/\/model: is required but missing/);
  });

  it('reports a missing model folder for predict without a stack trace', async () => {
    const result = await runTlc(['predict', 'nowhere', 'data/disc'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error\[TL4202\]: the model folder nowhere does not exist; give the folder `export` wrote/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects bad options with a usage line, and prints help with an example', async () => {
    expect((await runTlc(['run', 'cli.tl', '--backend', 'gpu'], dir)).status).toBe(2);
    expect((await runTlc(['run', 'cli.tl', '--epochs', '0'], dir)).status).toBe(2);
    for (const command of ['run', 'predict', 'embed']) {
      const help = await runTlc([command, '--help'], dir);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/Example/);
    }
  });
});
