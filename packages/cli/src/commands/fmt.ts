// `tlc fmt FILE… [--check | --write]`: canonical formatting. Prints the formatted text, or with
// --check lists the files that are not formatted (exit 1), or with --write rewrites them (each
// through a temporary file and a rename). A file with syntax errors is reported and left alone.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { format, renderPretty } from '@tlc/language';
import { parseCommandArgs, usageError } from '../args';
import { useColor } from '../color';
import { pathError, readInputFile, writeProblem } from '../paths';
import type { Command } from './registry';

const spec = {
  name: 'fmt',
  usage: 'tlc fmt FILE… [--check | --write]',
  help: `Formats .tl files the canonical way: one statement per line, two-space blocks,
clauses in a fixed order; comments stay where they are.

Options:
  --check   print the files that are not formatted and exit 1 if there is any
  --write   rewrite the files in place

Example:
  tlc fmt --write examples/*.tl`,
  options: { check: { type: 'boolean' }, write: { type: 'boolean' } },
  minPositionals: 1,
} as const;

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

export const fmtCommand: Command = {
  name: 'fmt',
  summary: 'format .tl files canonically',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const { check, write } = args.values;
    if (check && write) return usageError(spec, '--check and --write cannot be used together');

    let failed = false;
    for (const file of args.positionals) {
      const source = readInputFile(file, 'a .tl file');
      if (source === undefined) {
        failed = true;
        continue;
      }
      const { text, diagnostics } = format(source);
      if (text === null) {
        process.stderr.write(`${renderPretty(diagnostics, source, file, { color: useColor(process.stderr) })}\n`);
        process.stderr.write(`tlc fmt: ${file} has syntax errors; not formatted\n`);
        failed = true;
      } else if (check) {
        if (text !== source) {
          process.stdout.write(`${file}\n`);
          failed = true;
        }
      } else if (write) {
        if (text !== source) {
          try {
            writeAtomically(file, text);
          } catch (error) {
            pathError(writeProblem(file, error));
            failed = true;
          }
        }
      } else {
        process.stdout.write(text);
      }
    }
    return failed ? 1 : 0;
  },
};
