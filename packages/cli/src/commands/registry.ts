// Every `tlc` command, in the order `tlc --help` lists them. A command's module (and what it
// imports: the language, the plan schema, the runtime) loads only when that command runs, so
// `tlc --help` and `tlc check` do not pay for the rest. Each entry's name and summary are the
// module's own (test/registry.test.ts checks they agree).

export interface Command {
  name: string;
  summary: string;
  /** Runs with the arguments after the command name; returns the exit code. */
  run(argv: string[]): Promise<number>;
}

/** A command whose module is imported when it first runs. */
export interface LazyCommand extends Command {
  load(): Promise<Command>;
}

function lazy(name: string, summary: string, load: () => Promise<Command>): LazyCommand {
  return { name, summary, load, run: async (argv) => (await load()).run(argv) };
}

export const COMMANDS: LazyCommand[] = [
  lazy('check', 'check .tl files and report every problem', async () => (await import('./check')).checkCommand),
  lazy('compile', 'compile a .tl file to its JSON plan', async () => (await import('./compile')).compileCommand),
  lazy('run', 'train, evaluate and export a pipeline (.tl or plan JSON)', async () => (await import('./run')).runCommand),
  lazy('import-run', 'make a run folder from a torch job folder trained elsewhere (--emit)', async () => (await import('./import-run')).importRunCommand),
  lazy('lr-find', 'find a learning rate for a pipeline (fastai\'s range test)', async () => (await import('./lr-find')).lrFindCommand),
  lazy('augment', 'write a contact sheet of augmented training images (what the model sees)', async () => (await import('./augment')).augmentCommand),
  lazy('predict', 'classify new images with an exported model', async () => (await import('./predict')).predictCommand),
  lazy('embed', 'globally pooled backbone features per image', async () => (await import('./embed')).embedCommand),
  lazy('fmt', 'format .tl files canonically', async () => (await import('./fmt')).fmtCommand),
  lazy('models', 'list the model zoo, or show one backbone', async () => (await import('./models')).modelsCommand),
  lazy('weights', 'add hand-downloaded ImageNet weights to the cache, or list them', async () => (await import('./weights')).weightsCommand),
  lazy('explain', 'explain a diagnostic code (or list them)', async () => (await import('./explain')).explainCommand),
  lazy('lsp', 'run the language server for editors (--stdio)', async () => (await import('./lsp')).lspCommand),
];
