import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Tests never touch the user's own cache (~/.cache/tlc): weights and ONNX graphs go here.
    env: { TLC_HOME: mkdtempSync(join(tmpdir(), 'tlc-test-home-')) },
  },
});
