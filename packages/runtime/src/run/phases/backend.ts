// Phase 1, backend: the TensorFlow.js backend the run uses (`--backend`), always printed.
import { describeBackend, selectBackend, type BackendName, type BackendPreference } from '../../backend/index';
import type { RunLog } from '../progress';

/** Selects the backend and prints it; returns its name. */
export async function startBackend(preference: BackendPreference | undefined, log: RunLog): Promise<BackendName> {
  const backend = await selectBackend(preference ?? 'auto');
  log.line(describeBackend());
  return backend.name;
}
