// `tlc weights add FILE…` and `tlc weights list [--json]`: the ImageNet weights files that
// `weights imagenet` uses, for people who work offline. `add` checks a file downloaded by hand
// against the zoo's catalog (its hash, or its layer names and shapes where Keras publishes no
// hash) and copies it into the cache; `list` shows the shipped files and the cache, each checked.
import { parseCommandArgs, usageError } from '../args';
import { reportRunError } from '../report-error';
import { inputFileProblem } from '../paths';
import type { Command } from './registry';

const spec = {
  name: 'weights',
  usage: 'tlc weights add FILE… | tlc weights list [--json]',
  help: `Manages the ImageNet weights files that \`weights imagenet\` loads. tlc looks for
the file of a backbone (\`tlc models NAME\` names it) in three places, in order:
the files shipped with tlc (packages/zoo/weights/: MobileNet alpha 0.25), the
cache ($TLC_HOME/weights/, by default ~/.cache/tlc/weights/), then Keras's URL,
downloading into the cache.

  add FILE…   Checks files you downloaded by hand and copies them into the cache,
              so \`weights imagenet\` runs offline. A file is checked by its hash
              where Keras publishes one (whatever its name), else by its name and
              then its layers: every weight of the backbone must be in the file
              with the right shape, and nothing else. A damaged file (TL4401),
              another model's file (TL4402) or a file the catalog does not know
              (TL4403) is refused, and the cache is left as it was.
  list        Lists the shipped and cached files: size, the backbones that load
              each, and whether each checks out (verified by hash, unverified
              where Keras publishes no hash, damaged, or unknown to the catalog).

Options:
  --json   (list) print JSON instead of text

Examples:
  tlc weights add ~/Downloads/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5
  tlc weights list`,
  options: { json: { type: 'boolean' } },
  minPositionals: 1,
} as const;

export const weightsCommand: Command = {
  name: 'weights',
  summary: 'add hand-downloaded ImageNet weights to the cache, or list them',
  async run(argv) {
    const args = parseCommandArgs(argv, spec);
    if (!args.ok) return args.exitCode;
    const [action, ...files] = args.positionals;
    if (action === 'add') {
      if (files.length === 0) return usageError(spec, '`add` needs the file(s) to add');
      if (args.values.json) return usageError(spec, '--json goes with `list`');
      return add(files);
    }
    if (action === 'list') {
      if (files.length > 0) return usageError(spec, `unexpected argument \`${files[0]}\``);
      return list(args.values.json === true);
    }
    return usageError(spec, `unknown action \`${action}\` (expected \`add\` or \`list\`)`);
  },
};

async function add(files: string[]): Promise<number> {
  // Loaded on demand: checking layers builds the backbone with TensorFlow.js.
  const { addWeightsFile, describeUser } = await import('@tlc/zoo');
  const { selectBackend } = await import('@tlc/runtime');
  await selectBackend('auto');
  let failed = 0;
  for (const file of files) {
    const problem = inputFileProblem(file, 'a Keras `_notop.h5` file you downloaded');
    if (problem) {
      failed++;
      reportRunError('weights', problem);
      continue;
    }
    try {
      const added = await addWeightsFile(file);
      const users = added.known.users.map(describeUser).join(', ');
      const how = added.checkedBy === 'layers' ? 'its layers and shapes checked (Keras publishes no hash)' : `${added.checkedBy} verified`;
      const what = added.outcome === 'added' ? 'added' : 'already in the cache';
      process.stdout.write(`${what}: ${added.path}\n  for ${users}; ${how}\n`);
    } catch (error) {
      failed++;
      reportRunError('weights', error);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function list(json: boolean): Promise<number> {
  const { cacheDir, describeUser, listWeightsFiles, shippedWeightsDir } = await import('@tlc/zoo');
  try {
    const files = await listWeightsFiles();
    if (json) {
      const rows = files.map((f) => ({
        path: f.path,
        where: f.where,
        bytes: f.bytes,
        status: f.status,
        models: f.known?.users.map(describeUser) ?? [],
      }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const lines = [`shipped: ${shippedWeightsDir()}`, `cache:   ${cacheDir()}/weights`, ''];
    if (files.length === 0) lines.push('no weights files yet: `weights imagenet` downloads them, `tlc weights add FILE` adds one');
    const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);
    const width = Math.max(0, ...files.map((f) => name(f.path).length));
    for (const f of files) {
      const models = f.known ? f.known.users.map(describeUser).join(', ') : 'no model (not a catalog file name)';
      const size = `${(f.bytes / 1e6).toFixed(1)} MB`.padStart(9);
      lines.push(`${f.where.padEnd(7)}  ${name(f.path).padEnd(width)}  ${size}  ${f.status.padEnd(10)}  ${models}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    return reportRunError('weights', error);
  }
}
