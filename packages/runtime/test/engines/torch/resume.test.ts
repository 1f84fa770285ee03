// A torch run interrupted between epochs (SIGINT to `tlc run`) leaves a resumable run folder and
// no training processes; `tlc run --resume` continues it with the torch engine it started with
// and ends with every epoch in metrics.csv (with the rates of its reduce-on-plateau schedule, whose
// state comes back) and the exported model. A worker that dies mid-epoch
// fails the run with TL4322 and the workers' own message. A SIGKILLed tlc (no exit handler runs)
// takes its trainer with it, one process or a launcher and its workers (tlc_torch/parent_watch.py).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makePlan, stage, tempDir, writeImageFolder } from '../../run/fixtures';
import { describeTorch } from './torch-env';

const tlc = fileURLToPath(new URL('../../../../cli/bin/tlc.mjs', import.meta.url));
let baseDir: string;
/** Whole runs with Python starts, on 2 busy cores. */
const TIMEOUT = 300_000;

beforeAll(async () => {
  baseDir = tempDir('torch-resume');
  await writeImageFolder(join(baseDir, 'data'), 8);
  // reduce lr on plateau with a min delta no epoch beats: the rate halves after epoch 2, which a
  // resume reproduces only with the schedule's state (best value, epochs waited) restored.
  const schedule = { kind: 'plateau', monitor: 'loss', factor: 0.5, patience: 1, minDelta: 10, cooldown: 0, minLearningRate: 1e-4 } as const;
  writeFileSync(join(baseDir, 'plan.json'), JSON.stringify(makePlan({ stages: [stage({ epochs: 3, batchSize: 4, schedule })] })));
});
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

/** Pids of the trainer processes (launcher and workers) working in a job folder under `out`. */
function trainerProcesses(out: string): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((l) => l.includes('tlc_torch.trainer')).map((l) => Number(l.trim().split(/\s+/)[0])).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(out);
    } catch {
      return false;
    }
  });
}

/** Starts `tlc run plan.json --engine torch`; resolves `ready` once `pattern` is printed. */
function startRun(out: string, pattern: RegExp, args: string[] = []) {
  const child = spawn(process.execPath, [tlc, 'run', 'plan.json', '--engine', 'torch', '--out', out, ...args], { cwd: baseDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      output += d;
      if (pattern.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => resolve());
  });
  return { child, exited, ready, output: () => output };
}

describeTorch('interrupting a torch run', () => {
  it('SIGINT after an epoch, then --resume, finishes the run with the torch engine', async () => {
    const out = join(baseDir, 'run');
    const run = startRun(out, /train epoch 1\/3/);
    await run.ready;
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(130);
    expect(run.output()).toMatch(/resume with `tlc run --resume/);
    // The trainer went with tlc (its job folder is named in its command line's working directory).
    await new Promise((r) => setTimeout(r, 2000));
    expect(trainerProcesses(out)).toEqual([]);

    const resumed = spawnSync(process.execPath, [tlc, 'run', '--resume', out], { cwd: baseDir, encoding: 'utf8' });
    expect(resumed.status, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming .*after epoch [12]/);
    expect(resumed.stdout).toMatch(/stage train: PyTorch .* trains the whole model/);
    const rows = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows.slice(1).map((r) => r.split(',')[1])).toEqual(['1', '2', '3']);
    expect(rows.slice(1).map((r) => Number(r.split(',')[6]))).toEqual([0.01, 0.01, 0.005]);
  }, TIMEOUT);

  it('a worker killed mid-run fails the run with TL4322, its resume command, and no process left', async () => {
    const out = join(baseDir, 'killed');
    const run = startRun(out, /train epoch 1\/40/, ['--epochs', '40', '--nproc', '2']);
    await run.ready;
    const workers = trainerProcesses(out).filter((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('torch.distributed.run'));
    expect(workers.length).toBe(2);
    process.kill(workers[1], 'SIGKILL');
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toMatch(/error\[TL4322\]: the torch trainer failed .*`tlc run --resume /);
    await new Promise((r) => setTimeout(r, 2000));
    expect(trainerProcesses(out)).toEqual([]);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(2);
  }, TIMEOUT);

  // The launcher and its workers (rank 0's next progress line to a closed pipe would end it too;
  // parent-watch.test.ts covers a trainer that prints nothing for a while).
  for (const nproc of [2]) {
    it(`a SIGKILLed tlc takes its trainer with it (--nproc ${nproc})`, async () => {
      const out = join(baseDir, `sigkill-${nproc}`);
      const run = startRun(out, /train epoch 1\/200/, ['--epochs', '200', '--nproc', String(nproc)]);
      await run.ready;
      expect(trainerProcesses(out).length, run.output()).toBe(nproc === 1 ? 1 : 3);
      run.child.kill('SIGKILL');
      await run.exited;
      // 200 epochs would keep an orphaned trainer busy for minutes; this waits for it to go.
      for (let waited = 0; trainerProcesses(out).length > 0 && waited < 60_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
      expect(trainerProcesses(out)).toEqual([]);
    }, TIMEOUT);
  }
});
