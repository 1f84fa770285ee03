// The command registry loads each command's module only when it runs: every entry's name and
// summary (what `tlc --help` lists without loading anything) must be the module's own. And what
// `tlc` says to a command it does not know.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/registry';
import { runTlc } from './tlc';

describe('the command registry', () => {
  it('names and summarises each command as its module does', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });

  it('answers an unknown command with the one meant: without its hyphen, in two words, or misspelt', async () => {
    const firstLine = async (args: string[]) => {
      const result = await runTlc(args, process.cwd());
      expect(result.status).toBe(2);
      return result.stderr.split('\n')[0];
    };
    expect(await firstLine(['lrfind', 'a.tl'])).toBe('tlc: unknown command `lrfind`: did you mean `tlc lr-find`?');
    expect(await firstLine(['lr', 'find', 'a.tl'])).toBe('tlc: unknown command `lr`: did you mean `tlc lr-find`?');
    expect(await firstLine(['chek', 'a.tl'])).toBe('tlc: unknown command `chek`: did you mean `tlc check`?');
    expect(await firstLine(['zzz'])).toBe('tlc: unknown command `zzz`');
  });
});
