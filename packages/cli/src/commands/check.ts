// `tlc check FILE… [--format pretty|json]`: parse, check and compile each file and report every
// diagnostic. Exit 0 when clean or only warnings/notes, 1 on any error (or an unreadable
// file), 2 on bad arguments.
import { dirname, resolve } from 'node:path';
import { compile, nodeFiles, renderPretty, summarize, toJson, type Diagnostic, type JsonDiagnostic } from '@tlc/language';
import { checkChoice, parseCommandArgs } from '../args';
import { useColor } from '../color';
import { readInputFile } from '../paths';
import type { Command } from './registry';

const spec = {
  name: 'check',
  usage: 'tlc check FILE… [--format pretty|json]',
  help: `Checks .tl files: syntax, model names, freeze points, image sizes, value ranges,
the folders and weights file the pipeline reads (relative to the file) and the rest of
the language's rules. Prints each problem with its code, place and a fix
where one is known (\`tlc explain CODE\` says more). Exits 1 when there is an error.

Options:
  --format pretty|json   rustc-style text (default) or a JSON array of
                         {code, severity, message, file, range, help}

Example:
  tlc check examples/fine-tune.tl
  tlc check --format json pipelines/*.tl`,
  options: { format: { type: 'string' } },
  minPositionals: 1,
} as const;

/**
 * The array as `JSON.stringify(items, null, 2)` prints it, written in pieces: a file of garbage
 * has a million diagnostics, more than one JavaScript string holds.
 */
function writeJsonArray(items: readonly unknown[]): void {
  if (items.length === 0) {
    process.stdout.write('[]\n');
    return;
  }
  let chunk = '[\n';
  items.forEach((item, i) => {
    chunk += `  ${JSON.stringify(item, null, 2).replace(/\n/g, '\n  ')}${i + 1 < items.length ? ',' : ''}\n`;
    if (chunk.length > 1 << 20) {
      process.stdout.write(chunk);
      chunk = '';
    }
  });
  process.stdout.write(`${chunk}]\n`);
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check .tl files and report every problem',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const format = args.values.format ?? 'pretty';
    const bad = checkChoice(spec, 'format', format, ['pretty', 'json']);
    if (bad !== undefined) return bad;

    const json: JsonDiagnostic[] = [];
    const all: Diagnostic[] = [];
    let unreadable = 0;
    for (const file of args.positionals) {
      const source = readInputFile(file, 'a .tl file');
      if (source === undefined) {
        unreadable++;
        continue;
      }
      // compile, not just analyze: lowering to a plan finds the TL3xxx problems too.
      // With the disk seen from the file's folder: missing data folders and weights files too.
      const { diagnostics } = compile(source, { file, files: nodeFiles(dirname(resolve(file))) });
      // Not push(...list): a file of garbage has more diagnostics than a call takes arguments.
      for (const d of diagnostics) all.push(d);
      if (format === 'json') for (const entry of toJson(diagnostics, source, file)) json.push(entry);
      else if (diagnostics.length > 0) {
        process.stdout.write(`${renderPretty(diagnostics, source, file, { color: useColor(process.stdout) })}\n`);
      }
    }
    if (format === 'json') writeJsonArray(json);
    else {
      const read = args.positionals.length - unreadable;
      const files = `${read} file${read === 1 ? '' : 's'}`;
      const skipped = unreadable > 0 ? `; ${unreadable} could not be read` : '';
      process.stderr.write(`checked ${files}: ${summarize(all) || 'no problems'}${skipped}\n`);
    }
    return unreadable > 0 || all.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
