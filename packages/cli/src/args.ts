// Argument parsing shared by every `tlc` command: a thin layer over node:util parseArgs that
// prints the command's help on `--help` (exit 0) and, on bad arguments, one clear line plus the
// usage line on stderr (exit 2) instead of a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface CommandArgsSpec<O extends ParseArgsOptionsConfig> {
  /** The command's name, for messages: `check`. */
  name: string;
  /** One line: `tlc check FILE… [--format pretty|json]`. */
  usage: string;
  /** The full `--help` text (description, options, an example), printed after the usage line. */
  help: string;
  /** The options, as node:util parseArgs takes them (`--help` is added). */
  options: O;
  /** Positional arguments required (default 0) and allowed (default: any number). */
  minPositionals?: number;
  maxPositionals?: number;
}

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true; args: string[] }>
>['values'];

/** Either the parsed arguments, or the exit code the command should return at once. */
export type ParsedCommandArgs<O extends ParseArgsOptionsConfig> =
  | { ok: true; values: Values<O>; positionals: string[] }
  | { ok: false; exitCode: number };

/** Prints `tlc NAME: message` and the usage line to stderr; returns the usage exit code (2). */
export function usageError(spec: { name: string; usage: string }, message: string): number {
  process.stderr.write(`tlc ${spec.name}: ${message}\nusage: ${spec.usage}\nRun \`tlc ${spec.name} --help\` for more.\n`);
  return 2;
}

export function parseCommandArgs<O extends ParseArgsOptionsConfig>(
  argv: string[],
  spec: CommandArgsSpec<O>,
): ParsedCommandArgs<O> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: ${spec.usage}\n\n${spec.help.trimEnd()}\n`);
    return { ok: false, exitCode: 0 };
  }
  let parsed: { values: Values<O>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true }) as {
      values: Values<O>;
      positionals: string[];
    };
  } catch (error) {
    // Keep node's first sentence ("Unknown option '--x'"), drop its advice about `--`.
    const message = (error instanceof Error ? error.message : String(error)).split(/\.\s|\n/)[0];
    return { ok: false, exitCode: usageError(spec, message) };
  }
  const count = parsed.positionals.length;
  const min = spec.minPositionals ?? 0;
  if (count < min) {
    return { ok: false, exitCode: usageError(spec, min === 1 ? 'missing argument' : `expected at least ${min} arguments`) };
  }
  if (spec.maxPositionals !== undefined && count > spec.maxPositionals) {
    return { ok: false, exitCode: usageError(spec, `unexpected argument \`${parsed.positionals[spec.maxPositionals]}\``) };
  }
  return { ok: true, values: parsed.values, positionals: parsed.positionals };
}

/** Checks that a string option takes one of the allowed values; returns the usage exit code otherwise. */
export function checkChoice(
  spec: { name: string; usage: string },
  option: string,
  value: string | undefined,
  choices: readonly string[],
): number | undefined {
  if (value === undefined || choices.includes(value)) return undefined;
  return usageError(spec, `--${option} must be one of ${choices.join(', ')} (got \`${value}\`)`);
}
