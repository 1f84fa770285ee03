// `tlc`: parses the command line and hands each command to its module in ./commands.
// Commands are thin: the work is done by the packages they call.
import { watchOutputs } from './closed-output';
import { COMMANDS, type Command } from './commands/registry';

const VERSION = '0.1.0';

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'tlc — a small language for transfer learning in computer vision',
    '',
    'Usage: tlc <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `tlc <command> --help` for a command\'s options and an example.',
  ].join('\n');
}

/** Runs the command line and returns the exit code: 0 success, 1 failure, 2 usage. */
export async function main(argv: string[]): Promise<number> {
  watchOutputs();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(VERSION);
    return 0;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const suggestion = await suggestCommand(name, rest[0]);
    console.error(`tlc: unknown command \`${name}\`${suggestion ? `: did you mean \`tlc ${suggestion}\`?` : ''}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

/**
 * The command a mistyped one meant: written without its hyphen (`lrfind`) or as two words
 * (`lr find`), or a near miss (`chek`). Loaded only on this error path: startup stays lean.
 */
async function suggestCommand(name: string, next: string | undefined): Promise<string | undefined> {
  const names = COMMANDS.map((c) => c.name);
  const bare = (word: string) => word.toLowerCase().replaceAll('-', '');
  const joined = next === undefined ? undefined : names.find((n) => n.includes('-') && bare(n) === bare(name + next));
  if (joined !== undefined) return joined;
  const unhyphenated = names.find((n) => bare(n) === bare(name));
  if (unhyphenated !== undefined) return unhyphenated;
  const { didYouMean } = await import('@tlc/language');
  return didYouMean(name, names);
}
