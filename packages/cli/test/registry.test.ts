// The command registry loads each command's module only when it runs: every entry's name and
// summary (what `tlc --help` lists without loading anything) must be the module's own.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/registry';

describe('the command registry', () => {
  it('names and summarises each command as its module does', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });
});
