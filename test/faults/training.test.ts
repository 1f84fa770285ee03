// Fault suite, training: `tlc run` on a tiny real image folder (written with sharp, 32x32,
// MobileNetV2 alpha 0.35) under the faults a long run meets. A complete run writes only inside
// its run folder and its export path whatever its class folders are called; a diverging stage
// stops with the stage, epoch, batch and a hint, exits 1 and keeps the last good checkpoint
// whole; SIGINT or SIGTERM mid-epoch ends the run promptly with every file whole and the last
// completed epoch's state kept, exit 130/143 and a line saying how to resume; `--resume`
// continues after it and ends with bit-identical weights to an uninterrupted run; SIGKILL at seeded random moments
// leaves every file (run folder and export path) either complete and readable or visibly
// temporary. Pieces `tlc run` does not have yet are todos that say why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelDirToRead } from '@tlc/zoo';
import { COMMANDS } from '../../packages/cli/src/commands/registry';
import { twoColour, writeFile } from '../../packages/runtime/test/data/fixtures';
import { faultCounts } from './counts';
import { checkRunFolder } from './run-folder-check';

const counts = faultCounts('training');

const tlc = fileURLToPath(new URL('../../packages/cli/bin/tlc.mjs', import.meta.url));
const hasRun = COMMANDS.some((c) => c.name === 'run');
const runSource = fileURLToPath(new URL('../../packages/cli/src/commands/run.ts', import.meta.url));
const hasResume = existsSync(runSource) && /--resume/.test(readFileSync(runSource, 'utf8'));
/** Class folder names a shell or a path join would misread: they must stay plain names. */
const CLASSES = ['$(touch PWNED)', '%2e%2e%2fescape'];
const SEED = Number(process.env.TLC_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let base: string;
let baseline: string;
let baselineMs: number;
let before: string[];

function pipeline(name: string, epochs: number, extra = ''): string {
  return `pipeline "${name}"
data "photos" {
  image 32x32 rgb
  validation 25% seed 1
  batch 4
}
use MobileNetV2 alpha 0.35 weights none freeze none
preprocess rescale 1/255
head dense 2
train {
  epochs ${epochs}
  optimizer adam lr 1e-3
}
${extra}`;
}

function env(): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', TLC_HOME: join(base, 'home') };
}

/** Every file under a folder, relative to it, sorted. */
function listing(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(folder, join(e.parentPath, e.name)))
    .sort();
}

function expectWholeFolder(folder: string, allowTemporary: boolean): void {
  const check = checkRunFolder(folder);
  counts.filesChecked += check.checked;
  expect(check.problems, folder).toEqual([]);
  if (!allowTemporary) expect(check.temporary, folder).toEqual([]);
}

/** mulberry32: the seeded moments of the kills. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts `tlc run`; resolves with the exit code or signal and everything it printed. */
function startRun(file: string, out: string): { output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; kill: (signal: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [tlc, 'run', file, '--out', out], { cwd: base, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { output: () => output, exited, kill: (signal) => child.kill(signal) };
}

/** The last completed epoch a run folder's state.json records (0 when there is none yet). */
function completedEpochs(out: string): number {
  try {
    return (JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { stage?: { completedEpochs?: number } }).stage?.completedEpochs ?? 0;
  } catch {
    return 0;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  if (!hasRun) return;
  base = mkdtempSync(join(tmpdir(), 'tlc-faults-training-'));
  for (let i = 0; i < 8; i++) {
    await writeFile(join(base, 'photos', CLASSES[0]!, `${i}.png`), await twoColour(32, 32, (_, c) => c < 12 + i).png().toBuffer());
    await writeFile(join(base, 'photos', CLASSES[1]!, `${i}.png`), await twoColour(32, 32, (r) => r < 12 + i).png().toBuffer());
  }
  writeFileSync(join(base, 'tiny.tl'), pipeline('tiny', 3, 'export "exported"\n'));
  before = listing(base);
  baseline = join(base, 'baseline');
  const start = Date.now();
  const result = spawnSync(process.execPath, [tlc, 'run', 'tiny.tl', '--out', baseline], { cwd: base, env: env(), encoding: 'utf8', timeout: 300_000 });
  baselineMs = Date.now() - start;
  if (result.status !== 0) throw new Error(`the baseline run failed (${result.status}): ${result.stdout}${result.stderr}`);
  console.log(`training faults: baseline run in ${(baselineMs / 1000).toFixed(1)} s; kill seed ${SEED} (replay with TLC_FUZZ_SEED=${SEED})`);
});

afterAll(() => base && rmSync(base, { recursive: true, force: true }));

describe('tlc run under faults', () => {
  if (!hasRun) {
    it.todo('tlc run under faults: divergence, signals, SIGKILL, paths from data (the run command is not registered yet)');
    return;
  }

  it('a complete run writes only inside its run folder and the export path, whatever its class folders are called', () => {
    const after = listing(base).filter((f) => !/^(baseline|exported|home)\//.test(f));
    expect(after).toEqual(before);
    expect(listing(base).some((f) => f.includes('PWNED') && !f.startsWith('photos/'))).toBe(false);
    expect(existsSync(join(process.cwd(), 'PWNED'))).toBe(false);
    expect(JSON.parse(readFileSync(join(baseline, 'model', 'labels.json'), 'utf8'))).toEqual([...CLASSES].sort());
    expectWholeFolder(baseline, false);
    expect(JSON.parse(readFileSync(join(base, 'exported', 'labels.json'), 'utf8'))).toEqual([...CLASSES].sort());
    expectWholeFolder(join(base, 'exported'), false);
  });

  it('a stage whose loss diverges stops naming the stage, epoch and batch with a hint, exits 1 and keeps the last good checkpoint whole', () => {
    // Stage 1 trains normally and checkpoints; stage 2's absurd class weights overflow the loss.
    const source = pipeline('diverges', 2)
      .replace('weights none freeze none', `weights "baseline/model/model.json" freeze until block6`)
      .replace('preprocess rescale 1/255', 'preprocess native')
      .concat(`fine tune {\n  unfreeze from block5\n  epochs 2\n  optimizer sgd lr 0.01\n  class weights { "${CLASSES[0]}" 1e38; "${CLASSES[1]}" 1e38 }\n}\n`);
    writeFileSync(join(base, 'diverges.tl'), source);
    const out = join(base, 'diverges');
    const result = spawnSync(process.execPath, [tlc, 'run', 'diverges.tl', '--out', out], { cwd: base, env: env(), encoding: 'utf8', timeout: 300_000 });
    counts.faultsInjected++;
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(1);
    expect(output).toMatch(/NaN or infinite in stage `fine-tune`, epoch \d+, batch \d+/);
    expect(output).toMatch(/lower learning rate/);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(existsSync(join(out, 'checkpoints', 'best', 'model.json')), 'the last good checkpoint is kept').toBe(true);
    expect(existsSync(join(out, 'model')), 'nothing is exported from a diverged run').toBe(false);
    const metrics = readFileSync(join(out, 'metrics.csv'), 'utf8');
    expect(metrics).toMatch(/^train,2,/m);
    expect(metrics).not.toMatch(/NaN|Infinity/);
    expectWholeFolder(out, false);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during an epoch ends the run promptly, with every file whole`, async () => {
      writeFileSync(join(base, 'long.tl'), pipeline('long', 30));
      const out = join(base, `signal-${signal}`);
      const run = startRun('long.tl', out);
      // During epoch 2: epoch 1 is done and (with --resume) its state written.
      await until(() => /train epoch 1\/30/.test(run.output()) && (!hasResume || completedEpochs(out) >= 1), `the first epoch (${run.output()})`);
      run.kill(signal);
      counts.faultsInjected++;
      const sent = Date.now();
      const { code, signal: by } = await run.exited;
      expect(Date.now() - sent, 'exits within 30 s of the signal').toBeLessThan(30_000);
      expect(code, `exit ${code} / ${by}: ${run.output()}`).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(run.output()).toMatch(/interrupted after epoch \d+ of stage `train`; resume with `tlc run --resume /);
      expect(run.output()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(existsSync(join(out, 'model')), 'an interrupted run exports nothing').toBe(false);
      expectWholeFolder(out, false);
      if (hasResume) expect(completedEpochs(out), 'the state still names the last completed epoch').toBeGreaterThanOrEqual(1);
    });
  }

  it('SIGINT while the images are decoded stops at once: exit 130, nothing to resume, no run folder left', async () => {
    // Large images (a 4000x4000 PNG copied 40 times per class): seconds of decoding.
    const png = await twoColour(4000, 4000, (r) => r < 2000).png({ compressionLevel: 1 }).toBuffer();
    for (const name of ['a', 'b']) for (let i = 0; i < 40; i++) await writeFile(join(base, 'large', name, `${i}.png`), png);
    writeFileSync(join(base, 'large.tl'), pipeline('large', 2).replace('data "photos"', 'data "large"'));
    const out = join(base, 'large-run');
    const run = startRun('large.tl', out);
    // The backend line comes first; then the data is read.
    await until(() => /^backend: /m.test(run.output()), `the backend line (${run.output()})`);
    run.kill('SIGINT');
    counts.faultsInjected++;
    const { code, signal } = await run.exited;
    expect(code, `exit ${code} / ${signal}: ${run.output()}`).toBe(130);
    expect(run.output(), 'stopped while decoding, before the data line').not.toMatch(/^data:/m);
    expect(run.output()).toContain('tlc run: interrupted before the first epoch completed: nothing to resume, start the run again');
    expect(run.output()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(existsSync(out), 'no run folder is left').toBe(false);
    rmSync(join(base, 'large'), { recursive: true, force: true });
  });

  it('a reader that goes away (`tlc run … | head -1`) stops the run as Ctrl-C does: exit 141, every file whole, and --resume completes it', async () => {
    writeFileSync(join(base, 'piped.tl'), pipeline('piped', 4));
    const out = join(base, 'piped');
    const child = spawn(process.execPath, [tlc, 'run', 'piped.tl', '--out', out], { cwd: base, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      // As `head` does once it has its lines: the reading end of the pipe closes.
      if (/train epoch 1\/4/.test(stdout)) {
        child.stdout.destroy();
        resolve();
      }
    }));
    counts.faultsInjected++;
    const code = await exited;
    expect(code, stderr).toBe(141);
    expect(stderr).toMatch(/tlc run: output closed; interrupted after epoch [12] of stage `train`; resume with `tlc run --resume /);
    expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(stderr).not.toMatch(/EPIPE/);
    expectWholeFolder(out, false);
    const completed = completedEpochs(out);
    expect(completed).toBeGreaterThanOrEqual(1);
    expect(completed).toBeLessThan(4);

    const resumed = spawnSync(process.execPath, [tlc, 'run', '--resume', out], { cwd: base, env: env(), encoding: 'utf8', timeout: 300_000 });
    expect(resumed.status, `${resumed.stdout}${resumed.stderr}`).toBe(0);
    const epochs = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(',').slice(0, 2).join(' '));
    expect(epochs).toEqual([1, 2, 3, 4].map((e) => `train ${e}`));
    expectWholeFolder(out, false);
  });

  for (const command of ['predict', 'embed'] as const) {
    it(`\`tlc ${command} … | head -1\`: a closed stdout ends ${command} at once with exit 141, quietly`, async () => {
      const args = command === 'predict' ? ['predict', 'exported', 'photos'] : ['embed', 'tiny.tl', 'photos'];
      const child = spawn(process.execPath, [tlc, ...args], { cwd: base, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      // The reader is gone before the first line: every line written meets a closed pipe.
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      counts.faultsInjected++;
      expect(code, stderr).toBe(141);
      expect(stderr).not.toMatch(/EPIPE|internal error|^\s+at /m);
    });
  }

  it('SIGKILL at seeded random moments leaves every file complete and readable, or visibly temporary', async () => {
    const next = random(SEED);
    for (let k = 0; k < 3; k++) {
      // After the run folder appears (startup writes nothing), at a seeded moment of the writing part of the run.
      const delay = Math.round(next() * 0.6 * baselineMs);
      const out = join(base, `killed-${k}`);
      const run = startRun('tiny.tl', out);
      let finished = false;
      void run.exited.then(() => (finished = true));
      await until(() => finished || existsSync(join(out, 'plan.json')), 'the run folder');
      await new Promise((resolve) => setTimeout(resolve, delay));
      run.kill('SIGKILL');
      await run.exited;
      counts.faultsInjected++;
      if (existsSync(out)) expectWholeFolder(out, true);
      // Killed between a swap's two renames, the export is its previous save, set aside.
      expectWholeFolder(modelDirToRead(join(base, 'exported')), true);
      console.log(`training faults: SIGKILL ${delay} ms after the run folder appeared: ${existsSync(out) ? listing(out).length : 0} files in it`);
    }
    // Three starts and kills up to 0.6 of the baseline run in: on a loaded machine, over 120 s.
  }, 360_000);

  if (hasResume) {
    it('SIGINT after two or more epochs, then --resume: continues after the last completed epoch and completes the run, each epoch once', async () => {
      writeFileSync(join(base, 'resume.tl'), pipeline('resume', 5).replace('optimizer adam lr 1e-3', 'optimizer sgd lr 0.05'));
      const out = join(base, 'resumed');
      const run = startRun('resume.tl', out);
      await until(() => completedEpochs(out) >= 2, `two completed epochs (${run.output()})`);
      run.kill('SIGINT');
      await run.exited;
      counts.faultsInjected++;
      expectWholeFolder(out, false);
      const completed = completedEpochs(out);
      expect(completed).toBeLessThan(5);

      const resumed = spawnSync(process.execPath, [tlc, 'run', '--resume', out], { cwd: base, env: env(), encoding: 'utf8', timeout: 300_000 });
      const output = `${resumed.stdout}${resumed.stderr}`;
      expect(resumed.status, output).toBe(0);
      expect(output).toMatch(new RegExp(`after epoch ${completed}`));
      expect(output).not.toMatch(new RegExp(`train epoch ${completed}/5`));
      const epochs = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((row) => row.split(',').slice(0, 2).join(' '));
      expect(epochs).toEqual([1, 2, 3, 4, 5].map((e) => `train ${e}`));
      expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
      expectWholeFolder(out, false);
    });
  }

  // Out of memory on the device (TL4205, naming the stage and batch and suggesting a smaller one)
  // is tested where it can be provoked: packages/runtime/test/train/out-of-memory.test.ts and the
  // webgpu tests (test/backend/webgpu*.test.ts).

  if (hasResume) {
    it('interrupted inside an epoch and resumed, a run ends with the same final weights as an uninterrupted run with the same seed', async () => {
      // Adam (its moments and bias correction must carry over), shuffled batches and augmentation
      // (their per-epoch draws must repeat), batch norm training (its statistics are weights),
      // dropout in the head (its masks must repeat step for step).
      // Batches of 2: six steps per epoch, so the interrupt lands well inside epoch 2.
      const source = pipeline('exact', 3).replace('image 32x32 rgb', 'image 32x32 rgb\n  shuffle on seed 5').replace('batch 4', 'batch 2')
        .replace('use MobileNetV2', 'augment {\n  rotate 10\n  flip horizontal\n  seed 9\n}\nuse MobileNetV2')
        .replace('head dense 2', 'head {\n  pool avg\n  dropout 0.3\n  dense 2\n}');
      writeFileSync(join(base, 'exact.tl'), source);
      const whole = join(base, 'exact-whole');
      const uninterrupted = spawnSync(process.execPath, [tlc, 'run', 'exact.tl', '--out', whole], { cwd: base, env: env(), encoding: 'utf8', timeout: 300_000 });
      expect(uninterrupted.status, `${uninterrupted.stdout}${uninterrupted.stderr}`).toBe(0);

      const out = join(base, 'exact-resumed');
      const run = startRun('exact.tl', out);
      await until(() => completedEpochs(out) >= 1, `the first epoch (${run.output()})`);
      run.kill('SIGINT');
      const { code } = await run.exited;
      counts.faultsInjected++;
      const completed = completedEpochs(out);
      // Sent as epoch 1's state appeared, the stop lands inside epoch 2 and does not wait for its end.
      expect(completed, 'stopped inside epoch 2, within a batch').toBe(1);
      expect(code, run.output()).toBe(130);
      expect(run.output()).toContain(`interrupted after epoch ${completed} of stage \`train\`; resume with \`tlc run --resume ${out}\``);
      expect(run.output(), 'every epoch line printed was saved').not.toMatch(new RegExp(`train epoch ${completed + 1}/3`));

      const resumed = spawnSync(process.execPath, [tlc, 'run', '--resume', out], { cwd: base, env: env(), encoding: 'utf8', timeout: 300_000 });
      const output = `${resumed.stdout}${resumed.stderr}`;
      expect(resumed.status, output).toBe(0);
      expect(output).not.toMatch(/moments restart/);
      // Bit for bit: the same kernels on the same inputs in the same order give the same floats.
      for (const folder of ['model', join('checkpoints', 'best'), join('checkpoints', 'last')]) {
        const expected = readFileSync(join(whole, folder, 'weights.bin'));
        const actual = readFileSync(join(out, folder, 'weights.bin'));
        expect(actual.length, folder).toBe(expected.length);
        expect(Buffer.compare(actual, expected), `${folder}/weights.bin differs from the uninterrupted run's`).toBe(0);
      }
      const metrics = (folder: string) => readFileSync(join(folder, 'metrics.csv'), 'utf8').trim().split('\n').map((row) => row.split(',').slice(0, 6).join(','));
      expect(metrics(out)).toEqual(metrics(whole));
      expectWholeFolder(out, false);
      // Three runs of 18 training steps each, with augmentation: over 120 s on a loaded machine.
    }, 480_000);
  }

  if (!hasResume) {
    it.todo('SIGINT/SIGTERM write state.json (the last completed epoch, optimizer and random state) for --resume (not written yet)');
    it.todo('tlc run --resume RUN_DIR continues from the last completed epoch and ends with the weights of an uninterrupted run (tlc run has no --resume yet)');
  }
});
