// The interrupt guard in a real process, with real signals: a Ctrl-C during a write waits for the
// write, a second one exits at once (130), saying so and how to resume.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./interrupt-child.ts', import.meta.url));

describe('the interrupt guard', () => {
  it('holds a Ctrl-C during a write, and a second Ctrl-C exits at once', async () => {
    const run = spawn(process.execPath, ['--import', 'tsx', child, '/runs/x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    run.stderr.on('data', (d: Buffer) => (stderr += d));
    let exited = false;
    const exit = new Promise<number | null>((resolve) => run.on('exit', (code) => ((exited = true), resolve(code))));
    await new Promise<void>((resolve) => run.stdout.on('data', (d: Buffer) => ((stdout += d), stdout.includes('writing') && resolve())));
    run.kill('SIGINT');
    // The first stop waits for the write: the process is still there after it has handled it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(exited, stderr).toBe(false);
    run.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(stderr).toContain('tlc run: interrupted again, stopped at once (the epoch being saved may be lost); resume with `tlc run --resume /runs/x`');
  });
});
