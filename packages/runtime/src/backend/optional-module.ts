// Loading the optional native TensorFlow packages (@tensorflow/tfjs-node, -node-gpu). They are
// not dependencies: the specifier is built at run time so neither TypeScript nor a bundler
// requires them, and a missing package is told apart from one that is present but fails to
// load (for example libtensorflow missing because pnpm did not run its install script).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type OptionalModule = { ok: true; module: Record<string, unknown> } | { ok: false; reason: string };

/** The npm name of a TensorFlow.js package, assembled at run time. */
export function tfjsPackage(suffix: string): string {
  return ['@tensorflow', `tfjs-${suffix}`].join('/');
}

/** Whether `name` resolves from the runtime package (without loading it). */
export function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

export async function importOptional(name: string): Promise<OptionalModule> {
  if (!isInstalled(name)) return { ok: false, reason: `${name} is not installed` };
  try {
    const module = (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
    return { ok: true, module };
  } catch (error) {
    const detail = firstLine(error);
    const hint = /libtensorflow|shared object|\.node\b|dlopen/i.test(detail)
      ? ' (its native library is missing: pnpm runs a package\'s install script only when it is listed in onlyBuiltDependencies in pnpm-workspace.yaml; add it there and reinstall)'
      : '';
    return { ok: false, reason: `${name} is installed but failed to load: ${detail}${hint}` };
  }
}
