// Every `tlc` command, in the order `tlc --help` lists them.
import { lspCommand } from './lsp';
import { checkCommand } from './check';
import { fmtCommand } from './fmt';
import { explainCommand } from './explain';
import { modelsCommand } from './models';
import { compileCommand } from './compile';
import { runCommand } from './run';
import { importRunCommand } from './import-run';
import { lrFindCommand } from './lr-find';
import { predictCommand } from './predict';
import { embedCommand } from './embed';
import { weightsCommand } from './weights';

export interface Command {
  name: string;
  summary: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Command[] = [
  checkCommand,
  compileCommand,
  runCommand,
  importRunCommand,
  lrFindCommand,
  predictCommand,
  embedCommand,
  fmtCommand,
  modelsCommand,
  weightsCommand,
  explainCommand,
  lspCommand,
];
