// `tlc explain [CODE]`: the page for a diagnostic code (what it means, a failing example and
// its fix), or the list of codes.
import { didYouMean, explainPage, highlightAnsi, listCodes } from '@tlc/language';
import { parseCommandArgs, usageError } from '../args';
import { useColor } from '../color';
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
    const text = await renderPage(page, { color: useColor(process.stdout) });
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  },
};

/** The page as printed: with colour, its ```tl examples are highlighted with the editor grammar. */
export async function renderPage(page: string, { color }: { color: boolean }): Promise<string> {
  if (!color) return page;
  const parts = page.split(/(```tl\n[\s\S]*?\n```)/);
  const rendered = await Promise.all(
    parts.map(async (part) => {
      const fence = /^```tl\n([\s\S]*?)\n```$/.exec(part);
      return fence ? `\`\`\`tl\n${await highlightAnsi(fence[1])}\n\`\`\`` : part;
    }),
  );
  return rendered.join('');
}
