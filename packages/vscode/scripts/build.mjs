// Builds the extension: bundles the client (CommonJS, as VS Code loads it) and the language server
// (ESM, with the model catalog's layer lists copied beside it), copies the grammar, then packages
// everything into dist/tlc.vsix with vsce.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(root, 'src/extension.ts')],
  outfile: join(dist, 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  logLevel: 'warning',
});
await build({
  entryPoints: [join(root, 'src/server.ts')],
  outfile: join(dist, 'server.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __tlcRequire } from 'node:module'; const require = __tlcRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The catalog reads its layer lists next to itself at run time (new URL('./layers/…', import.meta.url)).
cpSync(join(root, '../zoo/src/catalog/layers'), join(dist, 'layers'), { recursive: true });
rmSync(join(root, 'grammar'), { recursive: true, force: true });
cpSync(join(root, '../../grammar'), join(root, 'grammar'), { recursive: true });

const require = createRequire(import.meta.url);
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', join(dist, 'tlc.vsix')], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
