// The torch tests need Python with PyTorch (`.ci/run` installs Debian's python3-torch). In CI
// (CI=true) a missing torch fails the tests; elsewhere they are skipped with how to install it.
import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';
import { findTorchPython, pythonEnv, type TorchPython } from '../../../src/engines/torch/python';

function available(): TorchPython | null {
  try {
    return findTorchPython();
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    // TL4320's help says how to install PyTorch.
    console.warn(`skipping the torch engine tests: ${(error as { help?: string }).help ?? (error as Error).message.split('\n').pop()}`);
    return null;
  }
}

export const torchPython = available();

/** `describe` when torch is importable, `describe.skip` otherwise (outside CI). */
export const describeTorch = torchPython ? describe : describe.skip;

/** Runs `python3 -m tlc_torch.<module> ...args`; throws with its stderr when it fails. */
export function runPython(module: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(torchPython!.python, ['-m', `tlc_torch.${module}`, ...args], { encoding: 'utf8', env: pythonEnv(env) });
  if (result.status !== 0) throw new Error(`tlc_torch.${module} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}
