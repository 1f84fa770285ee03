// `tlc lsp --stdio`: the language server, for editors (the VS Code extension starts it).
import { parseCommandArgs } from '../args';
import type { Command } from './registry';

const spec = {
  name: 'lsp',
  usage: 'tlc lsp --stdio',
  help: `Starts the tlc language server, speaking the Language Server Protocol over standard input and
output: diagnostics as you type, completion of keywords, model and block names, hover and formatting.
Editors start it; you rarely run it by hand.

Options:
  --stdio   talk over standard input/output (the only transport)

Example:
  tlc lsp --stdio`,
  options: { stdio: { type: 'boolean' } },
  maxPositionals: 0,
} as const;

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'run the language server for editors (--stdio)',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    // Loaded on demand: the other commands need none of the server's dependencies.
    const { startServer } = await import('@tlc/lsp');
    const connection = startServer();
    // The server runs until the client sends `exit`; keep the command pending until then.
    return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  },
};
