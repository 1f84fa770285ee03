// `tlc compile FILE [-o plan.json]`: a `.tl` file to its plan. The plan goes to stdout, or with
// -o to a file written atomically, its paths rebased to the output's folder. Diagnostics go to
// stderr (warnings do not stop the plan); any error means no plan and exit 1.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compile, renderPretty } from '@tlc/language';
import { planToJson, rebasePlanPaths } from '@tlc/plan';
import { parseCommandArgs } from '../args';
import { useColor } from '../color';
import { pathError, readInputFile, writeProblem } from '../paths';
import type { Command } from './registry';

const spec = {
  name: 'compile',
  usage: 'tlc compile FILE [-o plan.json]',
  help: `Compiles a .tl pipeline to its plan: a JSON document that states every decision
(resolved preprocessing, the exact frozen layers, the weights' URL and hash, each
training stage with every default filled in). Prints the plan, or the diagnostics and
exits 1.

Options:
  -o, --output FILE   write the plan to FILE instead of stdout; paths in the plan
                      are rewritten relative to FILE's folder

Example:
  tlc compile examples/fine-tune.tl -o build/fine-tune.plan.json`,
  options: { output: { type: 'string', short: 'o' } },
  minPositionals: 1,
  maxPositionals: 1,
} as const;

export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile a .tl file to its JSON plan',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const [file] = args.positionals;
    const source = readInputFile(file, 'a .tl file');
    if (source === undefined) return 1;

    const { plan, diagnostics } = compile(source, { file });
    if (diagnostics.length > 0) {
      const rendered = renderPretty(diagnostics, source, file, { color: useColor(process.stderr) });
      process.stderr.write(rendered.endsWith('\n') ? rendered : rendered + '\n');
    }
    if (!plan) return 1;

    const output = args.values.output;
    if (output === undefined) {
      process.stdout.write(planToJson(plan));
      return 0;
    }
    const rebased = rebasePlanPaths(plan, path.dirname(file), path.dirname(output));
    try {
      writeAtomically(output, planToJson(rebased));
    } catch (error) {
      return pathError(writeProblem(output, error));
    }
    return 0;
  },
};

/** Writes to a temporary name beside the target, then renames: readers never see half a plan. */
function writeAtomically(target: string, text: string): void {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
