// Paths from the source, as the plan stores them: relative to the source file's folder (which is
// the plan's folder when the plan is written beside it), normalised to POSIX form.
import path from 'node:path';

export function planPath(written: string): string {
  const normalised = path.posix.normalize(written.replace(/\\/g, '/'));
  return normalised.length > 1 && normalised.endsWith('/') ? normalised.slice(0, -1) : normalised;
}
