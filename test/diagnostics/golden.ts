// Golden files: compare output with a committed file, or (with TLC_UPDATE_GOLDEN=1, as
// `pnpm golden` sets) write it. A mismatch fails with vitest's line diff.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export const UPDATE_GOLDEN = process.env.TLC_UPDATE_GOLDEN === '1';

export function expectGolden(file: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, actual);
    renameSync(temporary, file);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file}: run \`pnpm golden\` and review it`);
  expect(actual, `${file} differs (run \`pnpm golden\` to update, then review the diff)`).toBe(readFileSync(file, 'utf8'));
}
