// Saving and loading whole tfjs layers models as a folder (`model.json` + `weights.bin`, and any
// files the caller keeps with them, e.g. an export's labels), which tfjs in Node cannot do without
// tfjs-node's `file://` handler. The whole folder is replaced at once (./folder-swap): written as
// a hidden sibling, then renamed into place, so a reader or a kill never pairs new weights with
// an old model.json. Loading reads the previous save when a kill came between the two renames.
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { WeightsError } from './errors';
import { folderToRead, replaceFolder } from './folder-swap';
import { readModelJson, readWeightShards } from './tfjs-files';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/** What `export … as onnx` writes in place of model.json and weights.bin: a model save too, so one replaces the other. */
export const MODEL_ONNX = 'model.onnx';

/** Files saved with the model, by name: their text or bytes. */
export type ExtraFiles = Record<string, string | Uint8Array>;

/**
 * Weights a save does not write: a shard kept outside the folder (a run's frozen trunk, written
 * once) that model.json's manifest names by a path relative to the folder, so the folder still
 * loads as a whole model (loadModelFromDir) as long as the shard stays where the path points.
 */
export interface SharedShard {
  /** The shard's path relative to the model folder, e.g. `../frozen/<sha256>.bin`. */
  path: string;
  /** What the shard holds, in its order (tfjs's manifest entries, names as `originalName`). */
  specs: tf.io.WeightsManifestEntry[];
}

/** The shard of `model`'s weights named `names` (model order): its manifest entries and bytes. */
export async function encodeShard(model: tf.LayersModel, names: ReadonlySet<string>): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: Uint8Array }> {
  const weights = model.weights.filter((w) => names.has(w.originalName));
  const { data, specs } = await tf.io.encodeWeights(weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
  return { specs, data: new Uint8Array(data as ArrayBuffer) };
}

/**
 * Replaces the folder `dir` with one holding `model.json`, `weights.bin` and `extra`, all at once.
 * An existing folder that holds anything else is refused (a WeightsError naming it): a save never
 * deletes files it did not write.
 */
export async function saveModelToDir(model: tf.LayersModel, dir: string, extra: ExtraFiles = {}, shared: SharedShard | null = null): Promise<tf.io.SaveResult> {
  const target = resolve(dir);
  assertModelFolderReplaceable(target, Object.keys(extra));
  if (shared) return saveWithSharedShard(model, target, shared);
  return model.save({
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
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
      await replaceFolder(target, async (staged) => {
        await writeFile(join(staged, WEIGHTS_BIN), new Uint8Array(weights));
        await writeFile(join(staged, MODEL_JSON), JSON.stringify(modelJson));
        for (const [name, data] of Object.entries(extra)) await writeFile(join(staged, name), data);
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  });
}

/**
 * model.save's folder without reading or writing the weights `shared` holds: model.json lists the
 * shared shard first (by its relative path), then weights.bin with every other weight. What tfjs
 * would save otherwise: the same topology, names, shapes and values.
 */
async function saveWithSharedShard(model: tf.LayersModel, target: string, shared: SharedShard): Promise<tf.io.SaveResult> {
  const inShared = new Set(shared.specs.map((s) => s.name));
  const own = await encodeShard(model, new Set(model.weights.map((w) => w.originalName).filter((name) => !inShared.has(name))));
  const metadata = model.getUserDefinedMetadata();
  const modelJson: tf.io.ModelJSON = {
    modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: [shared.path], weights: shared.specs }, { paths: [WEIGHTS_BIN], weights: own.specs }],
    ...(metadata ? { userDefinedMetadata: metadata } : {}),
  };
  await replaceFolder(target, async (staged) => {
    await writeFile(join(staged, WEIGHTS_BIN), own.data);
    await writeFile(join(staged, MODEL_JSON), JSON.stringify(modelJson));
  });
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: own.data.byteLength } };
}

/**
 * The model folder to read for `dir`: the folder, or the previous save beside it when a save was
 * killed between its two renames (see ./folder-swap); `dir` itself when there is neither.
 */
export function modelDirToRead(dir: string): string {
  return folderToRead(dir) ?? resolve(dir);
}

/** Loads a layers model saved as a folder (or given as the path of its model.json). */
export async function loadModelFromDir(dirOrModelJson: string): Promise<tf.LayersModel> {
  const path = dirOrModelJson.endsWith('.json') ? resolve(dirOrModelJson) : join(modelDirToRead(dirOrModelJson), MODEL_JSON);
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

/**
 * A WeightsError unless a model save (model.json, weights.bin and `extraNames`) may replace `dir`:
 * it is absent, or a folder holding nothing else. model.onnx counts as a model save's file too: an
 * export in either format replaces an earlier one in either (a pipeline run twice, or switched to
 * `as onnx` or back).
 */
export function assertModelFolderReplaceable(dir: string, extraNames: string[] = []): void {
  const names = [MODEL_JSON, WEIGHTS_BIN, MODEL_ONNX, ...extraNames];
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new WeightsError(`cannot save a model to ${dir}: it is not a folder`);
  }
  const foreign = entries.filter((entry) => !names.includes(entry));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
    throw new WeightsError(
      `cannot save a model to ${dir}: the folder holds files a model save did not write (${shown}), which replacing it would delete; save to a new or empty folder`,
    );
  }
}
