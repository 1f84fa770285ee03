// Finding a Python that imports torch: $TLC_PYTHON when set, else `python3` on PATH, else the
// system's /usr/bin/python3 (Debian's python3-torch installs there, while pyenv or a venv may
// shadow it on PATH). A missing or too old torch is a TL4320 that says what to install.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunError, runtimeMessages } from '../../messages';

/** The oldest torch the trainer supports (Debian 12's python3-torch). */
export const MIN_TORCH = [1, 13] as const;

/** The folder holding the tlc_torch Python package. */
export const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), 'python');

export interface TorchPython {
  /** The interpreter's path or command. */
  python: string;
  torchVersion: string;
  cuda: boolean;
  /** The first CUDA GPU's name and whether it computes in bfloat16 (null without CUDA). */
  gpu: { name: string; bf16: boolean } | null;
}

const INSTALL_HELP = 'install PyTorch and PIL (Debian/Ubuntu: `apt-get install python3-torch python3-pil`; pip: `pip install torch pillow`), or point TLC_PYTHON at a Python that has them';

function candidates(): string[] {
  const own = process.env.TLC_PYTHON;
  return own ? [own] : ['python3', '/usr/bin/python3'];
}

const PROBE = [
  'import torch, PIL',
  'cuda = torch.cuda.is_available()',
  'print(torch.__version__, int(cuda), int(cuda and torch.cuda.is_bf16_supported()))',
  'print(torch.cuda.get_device_name(0) if cuda else "")',
].join('\n');

function probe(python: string): { version: string; cuda: boolean; gpu: TorchPython['gpu'] } | { error: string } {
  const result = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (result.error) return { error: `${python}: ${result.error.message}` };
  if (result.status !== 0) return { error: `${python}: ${(result.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 200)}` };
  const [first, name = ''] = result.stdout.trim().split('\n');
  const [version, cuda, bf16] = first.trim().split(/\s+/);
  return { version, cuda: cuda === '1', gpu: cuda === '1' ? { name: name.trim(), bf16: bf16 === '1' } : null };
}

function atLeast(version: string, min: readonly number[]): boolean {
  const parts = version.split(/[.+a-z]/).map(Number);
  for (let i = 0; i < min.length; i++) {
    if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  }
  return true;
}

let found: TorchPython | null = null;

/** A Python with a supported torch, or TL4320 saying what is missing. */
export function findTorchPython(): TorchPython {
  if (found) return found;
  const failures: string[] = [];
  for (const python of candidates()) {
    const result = probe(python);
    if ('error' in result) {
      failures.push(result.error);
      continue;
    }
    if (!atLeast(result.version, MIN_TORCH)) {
      failures.push(`${python}: torch ${result.version} is older than ${MIN_TORCH.join('.')}`);
      continue;
    }
    found = { python, torchVersion: result.version, cuda: result.cuda, gpu: result.gpu };
    return found;
  }
  throw new RunError(runtimeMessages.noTorch(MIN_TORCH.join('.'), failures, INSTALL_HELP));
}

/** Whether a supported torch is importable (no error). */
export function torchAvailable(): boolean {
  try {
    findTorchPython();
    return true;
  } catch {
    return false;
  }
}

/** The environment a tlc_torch process runs with (the package importable). */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = process.env.PYTHONPATH ? `${PYTHON_DIR}:${process.env.PYTHONPATH}` : PYTHON_DIR;
  return { ...process.env, PYTHONPATH: path, ...extra };
}
