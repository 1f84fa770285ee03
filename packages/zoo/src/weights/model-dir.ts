// Saving and loading whole tfjs layers models as a folder (`model.json` + `weights.bin`), which
// tfjs in Node cannot do without tfjs-node's `file://` handler. Both files are written to hidden
// temp names (`.weights.bin.….tmp`, visibly unfinished), then renamed into place back to back,
// weights first, so `model.json` never names incomplete weights and the moment at which the
// folder holds one new file and one old is as short as two renames.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WeightsError } from './errors';
import { readModelJson, readWeightShards } from './tfjs-files';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes `model` to `dir/model.json` and `dir/weights.bin` (the folder is created if needed). */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  const target = resolve(dir);
  return model.save({
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await mkdir(target, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await writeTogether([
        [join(target, WEIGHTS_BIN), new Uint8Array(weights)],
        [join(target, MODEL_JSON), JSON.stringify(modelJson)],
      ]);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  });
}

/** Loads a layers model saved as a folder (or given as the path of its model.json). */
export async function loadModelFromDir(dirOrModelJson: string): Promise<tf.LayersModel> {
  const path = dirOrModelJson.endsWith('.json') ? resolve(dirOrModelJson) : join(resolve(dirOrModelJson), MODEL_JSON);
  const json = await readModelJson(path);
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const { specs, data } = await readWeightShards(path, manifest);
    return [specs, data];
  });
  try {
    return await tf.loadLayersModel({ load: async () => artifacts });
  } catch (error) {
    throw new WeightsError(`cannot load the model in ${path} (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Writes each file to a hidden temp name, then renames them all into place in order. */
async function writeTogether(files: [path: string, data: Uint8Array | string][]): Promise<void> {
  const temps = files.map(([path]) => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`));
  try {
    for (const [i, [, data]] of files.entries()) await writeFile(temps[i]!, data);
    for (const [i, [path]] of files.entries()) await rename(temps[i]!, path);
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
}
