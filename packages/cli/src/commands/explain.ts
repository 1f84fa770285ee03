// `tlc explain [CODE]`: the page for a diagnostic code (what it means, a failing example and
// its fix), or the list of codes.
import { didYouMean, explainPage, listCodes } from '@tlc/language';
import { parseCommandArgs, usageError } from '../args';
import type { Command } from './registry';

const spec = {
  name: 'explain',
  usage: 'tlc explain [CODE]',
  help: `Explains a diagnostic code: what it means, an example that triggers it and the fix.
Without a code, lists every code.

Example:
  tlc explain TL2011`,
  options: {},
  maxPositionals: 1,
} as const;

export const explainCommand: Command = {
  name: 'explain',
  summary: 'explain a diagnostic code (or list them)',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const codes = listCodes();
    const [code] = args.positionals;
    if (code === undefined) {
      const lines = codes.map((c) => `${c.code}  ${c.title}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    }
    const page = explainPage(code);
    if (page === undefined) {
      const suggestion = didYouMean(code.toUpperCase(), codes.map((c) => c.code));
      return usageError(spec, `no code \`${code}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''} (\`tlc explain\` lists them)`);
    }
    process.stdout.write(page.endsWith('\n') ? page : `${page}\n`);
    return 0;
  },
};
