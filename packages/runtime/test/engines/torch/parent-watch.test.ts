// tlc_torch/parent_watch.py: a trainer started by tlc (TLC_PARENT_PID set) exits when that tlc is
// gone, even SIGKILLed, whether tlc is its parent (PR_SET_PDEATHSIG) or its grandparent (a worker
// under torch.distributed.run: the poll). The processes here write nowhere, so nothing else (a
// closed pipe) ends them: without the watch they would sleep on for minutes. resume.test.ts
// SIGKILLs a real `tlc run --engine torch` and finds no trainer left.
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { pythonEnv } from '../../../src/engines/torch/python';
import { describeTorch, torchPython } from './torch-env';

const SLEEPER = 'from tlc_torch.parent_watch import watch_parent; watch_parent(); import time; time.sleep(600)';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `script` under sh (TLC_PARENT_PID = that sh); resolves with the sh and the sleeper's pid. */
async function start(script: string) {
  const sh = spawn('/bin/sh', ['-c', script], { env: pythonEnv({ PY: torchPython!.python, SLEEPER }), stdio: ['ignore', 'pipe', 'inherit'] });
  const sleeper = await new Promise<number>((resolve) => sh.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  return { sh, sleeper };
}

describeTorch('a trainer launched by tlc watches it', () => {
  const cases = [
    { what: 'its parent', script: 'export TLC_PARENT_PID=$$; "$PY" -c "$SLEEPER" >/dev/null 2>&1 & echo $!; wait' },
    { what: 'its grandparent', script: `export TLC_PARENT_PID=$$; /bin/sh -c '"$PY" -c "$SLEEPER" >/dev/null 2>&1 & echo $!; wait' & wait` },
  ];
  for (const { what, script } of cases) {
    it(`exits when ${what}, the tlc process, is SIGKILLed`, async () => {
      const { sh, sleeper } = await start(script);
      expect(alive(sleeper)).toBe(true);
      const exited = new Promise((resolve) => sh.on('exit', resolve));
      sh.kill('SIGKILL');
      await exited;
      for (let waited = 0; alive(sleeper) && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
      const left = alive(sleeper);
      if (left) process.kill(sleeper, 'SIGKILL');
      expect(left, `the process watching ${what} outlived it`).toBe(false);
    }, 90_000);
  }
});
