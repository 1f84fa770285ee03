// Runs a job folder's trainer on this machine (one process: the trainer alone, `python3 -m
// tlc_torch.trainer`; several: under `python3 -m torch.distributed.run`), and reads its progress
// lines (`@tlc {json}` on stdout) back as the runtime's epoch records; the worker's other output
// is kept for the error message when it fails.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BatchProgress, EpochRecord, StageState } from '../../engine/engine';
import { RunError, runtimeMessages } from '../../messages';
import { findTorchPython, pythonEnv } from './python';
import { trainerArgs } from './job';

/** An epoch as the trainer reports it: its files (inside the job folder) hold its weights and optimizer state. */
export interface TrainerEpoch {
  record: EpochRecord;
  best: boolean;
  state: StageState;
  weights: string;
  optimizer: string;
}

export interface TrainerEvents {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(epoch: TrainerEpoch): void;
  onStage?(stage: string, stoppedEarly: boolean, bestEpoch: number): void;
}

export interface LaunchOptions extends TrainerEvents {
  nproc: number;
  /** Threads per process (default: the machine's cores shared out). */
  threads?: number;
  /** Said after "the torch trainer failed" (what is kept, how to continue). */
  failureNote?: string;
  /** Stops the trainer (SIGINT to the launcher, which stops its workers). */
  signal?: AbortSignal;
}

/** How long a stopped trainer has to exit (SIGINT: the launcher stops its workers) before SIGKILL. */
const STOP_GRACE_MS = 10_000;

const TAIL_LINES = 40;

/**
 * Runs the trainer in `dir` to the end; throws TL4322 with the workers' last output when it fails.
 * An error thrown by one of the `on…` handlers stops the trainer and, once it has exited, is the
 * error this throws (a handler's error never escapes as an uncaught exception).
 */
export async function launchTrainer(dir: string, options: LaunchOptions): Promise<void> {
  const { python } = findTorchPython();
  const env = pythonEnv({
    ...(options.threads ? { OMP_NUM_THREADS: String(options.threads) } : {}),
    PYTHONUNBUFFERED: '1',
    // The trainer (and each worker) exits when this process is gone, even SIGKILLed (tlc_torch/parent_watch.py).
    TLC_PARENT_PID: String(process.pid),
  });
  // The job folder's own copy of tlc_torch comes first on the path.
  env.PYTHONPATH = `${dir}:${env.PYTHONPATH ?? ''}`;
  // One process needs no launcher: the trainer runs alone (no process group), which saves the
  // launcher's own start (a second import of torch, the rendezvous), about 2 s of a short job.
  const args = options.nproc === 1 ? ['-u', '-m', 'tlc_torch.trainer', '.'] : trainerArgs(options.nproc, ['--master_port', String(await freePort())]);
  const child = spawn(python, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  let exited = false;
  const signalTrainer = (signal: NodeJS.Signals) => {
    if (!exited) child.kill(signal);
  };
  let killer: NodeJS.Timeout | null = null;
  const stop = () => {
    signalTrainer('SIGINT');
    killer ??= setTimeout(() => signalTrainer('SIGKILL'), STOP_GRACE_MS);
  };
  // tlc exiting (an interrupted run exits at once between epochs) takes its trainer with it.
  const onExit = () => signalTrainer('SIGTERM');
  process.on('exit', onExit);
  options.signal?.addEventListener('abort', stop);
  if (options.signal?.aborted) stop();
  // The first error a handler threw: the trainer is stopped, and this is what the run fails with.
  let failure: { error: unknown } | null = null;
  createInterface({ input: child.stderr! }).on('line', keep);
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    const at = line.indexOf('@tlc ');
    if (at < 0) return keep(line);
    if (failure) return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line.slice(at + 5)) as Record<string, unknown>;
    } catch {
      return keep(line);
    }
    try {
      if (event.event === 'batch') options.onBatch?.(event as unknown as BatchProgress);
      else if (event.event === 'epoch') options.onEpoch?.(event as unknown as TrainerEpoch);
      else if (event.event === 'stage') options.onStage?.(event.stage as string, event.stoppedEarly as boolean, event.bestEpoch as number);
    } catch (error) {
      failure = { error };
      stop();
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve(status));
  }).finally(() => {
    exited = true;
    if (killer) clearTimeout(killer);
    options.signal?.removeEventListener('abort', stop);
    process.off('exit', onExit);
  });
  if (failure) throw (failure as { error: unknown }).error;
  if (code !== 0) {
    const why = tail.filter((l) => l.trim() !== '').slice(-15).join('\n');
    throw new RunError(runtimeMessages.torchTrainerFailed(code, options.failureNote ?? null, why));
  }
}

/** A free TCP port for the rendezvous (several runs on one machine must not collide). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 29500));
    });
  });
}
