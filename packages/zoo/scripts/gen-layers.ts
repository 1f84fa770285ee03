// Generates src/catalog/layers/NAME.json: each backbone's layer names in `model.layers` order,
// read from the tfjs builders, so the tfjs-free catalog (`modelLayers`) can list and resolve
// layers without building a model.
//   pnpm --filter @tlc/zoo gen:layers -- [NAME…]     (no names: every model with a builder)
// Builds with init 'zeros' on the 'cpu' backend; each file is written atomically.
import * as tf from '@tensorflow/tfjs';
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findModel } from '../src/catalog/index';
import { BUILDERS } from '../src/builders/index';

const LAYERS_DIR = fileURLToPath(new URL('../src/catalog/layers/', import.meta.url));

/** The layer names of the model as built at its default input size and options. */
function layerNames(name: string): string[] {
  const info = findModel(name);
  if (!info) throw new Error(`\`${name}\` has a builder but no catalog entry`);
  const model = BUILDERS[name]({
    inputShape: [info.inputSize, info.inputSize, 3],
    alpha: info.alphas?.[0],
    init: 'zeros',
  });
  try {
    return model.layers.map((layer) => layer.name);
  } finally {
    model.dispose();
  }
}

/** Writes the list as a JSON array, one name per line, through a temp file and a rename. */
function writeLayerList(name: string, layers: string[]): string {
  const target = `${LAYERS_DIR}${name}.json`;
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(layers, null, 2)}\n`);
  renameSync(temp, target);
  return target;
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2).filter((arg) => arg !== '--');
  const names = requested.length > 0 ? requested : Object.keys(BUILDERS);
  const unknown = names.filter((name) => !BUILDERS[name]);
  if (unknown.length > 0) {
    console.error(`gen:layers: no builder for ${unknown.map((n) => `\`${n}\``).join(', ')}`);
    console.error(`models with a builder: ${Object.keys(BUILDERS).join(', ') || '(none)'}`);
    return 1;
  }
  await tf.setBackend('cpu');
  for (const name of names) {
    const layers = layerNames(name);
    const file = writeLayerList(name, layers);
    console.log(`${name}: ${layers.length} layers -> ${file}`);
  }
  return 0;
}

process.exitCode = await main();
