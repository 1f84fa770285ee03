// `tlc import-run` end to end, the cluster path: `tlc run --engine torch --emit` writes a job
// folder, its launch.sh trains it with 2 gloo processes under torchrun (what a cluster would do),
// and `tlc import-run JOB --out RUN` makes the run folder a tfjs run makes (metrics.csv with the
// job's epochs, evaluation.json, report.html, the exported model), whose model `tlc predict`
// uses. A job that has not trained yet, or a folder that is no job, is refused with its code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch, torchPython } from './torch-env';

const tlc = fileURLToPath(new URL('../../../../cli/bin/tlc.mjs', import.meta.url));
let baseDir: string;
const TIMEOUT = 300_000;

beforeAll(async () => {
  baseDir = tempDir('torch-import-run');
  await writeImageFolder(join(baseDir, 'data'), 8);
  const plan = makePlan({
    stages: [stage({ epochs: 2, batchSize: 4, schedule: { kind: 'step', everyEpochs: 1, factor: 0.5 } })],
  });
  writeFileSync(join(baseDir, 'plan.json'), JSON.stringify(plan));
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

const run = (args: string[], cwd = baseDir) => spawnSync(process.execPath, [tlc, ...args], { cwd, encoding: 'utf8' });

describeTorch('tlc import-run', () => {
  it('emit, launch.sh on 2 gloo processes (torchrun\'s default port 29500 taken), import-run, predict', async () => {
    const emitted = run(['run', 'plan.json', '--engine', 'torch', '--emit', 'job', '--nproc', '2']);
    expect(emitted.status, emitted.stderr).toBe(0);
    expect(emitted.stdout).toContain('tlc import-run');
    const job = join(baseDir, 'job');

    // Before the job has trained: refused, nothing made.
    const early = run(['import-run', 'job', '--out', 'too-early']);
    expect(early.status).toBe(1);
    expect(early.stderr).toMatch(/error\[TL4322\]: the torch job in .* has not finished/);
    expect(existsSync(join(baseDir, 'too-early'))).toBe(false);

    // Another job on this machine holds torchrun's default port: launch.sh picks a free one.
    const other = createServer();
    await new Promise<void>((done) => other.once('listening', done).once('error', () => done()).listen(29500, '127.0.0.1'));
    const launched = spawnSync(join(job, 'launch.sh'), ['2'], { encoding: 'utf8', env: { ...process.env, PYTHON: torchPython!.python, OMP_NUM_THREADS: '1' } });
    other.close();
    expect(launched.status, launched.stderr).toBe(0);

    // From another folder: the plan and its base folder come from the job.
    const imported = run(['import-run', job, '--out', join(baseDir, 'run')], tempDir('elsewhere'));
    expect(imported.status, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`imported the trained weights of ${job}`);
    const out = join(baseDir, 'run');
    for (const file of ['plan.json', 'evaluation.json', 'report.html', 'model/model.json']) expect(existsSync(join(out, file)), file).toBe(true);
    const rows = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split(','));
    expect(rows.map((r) => [r[0], r[1], Number(r[6])])).toEqual([['train', '1', 0.01], ['train', '2', 0.005]]);

    const predicted = run(['predict', join(out, 'model'), join(baseDir, 'data', 'disc'), '--json']);
    expect(predicted.status, predicted.stderr).toBe(0);
    const predictions = JSON.parse(predicted.stdout) as { label: string }[];
    expect(predictions).toHaveLength(8);
    expect(predictions.every((p) => p.label === 'disc' || p.label === 'stripes')).toBe(true);
  }, TIMEOUT);

  it('refuses a folder that is no job folder, and explains itself with --help', () => {
    const none = run(['import-run', 'data']);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/error\[TL4209\]: .*data is not a torch job folder: it holds no job.json/);
    const help = run(['import-run', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Example:\n  tlc run examples/fashion.tl --engine torch --emit job/');
  });
});
