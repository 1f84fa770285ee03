// Loads weights from a file into a tfjs model (`weights imagenet` after the download,
// `weights "file.h5"`, `weights "model.json"`): every model layer with weights takes the file
// layer paired with it (./pairing: by name by default, by order for the catalog's old Keras
// files), weight by weight in the layer's order (Keras and tfjs agree on it: kernel, bias; gamma,
// beta, moving mean, moving variance; depthwise, pointwise, bias), after checking counts and shapes. For a grayscale model with RGB weights, the first
// convolution is adapted (./grayscale; `adapt skip` re-initialises it) and per-channel
// statistics of in-model preprocessing before it become their mean (one value, as the language
// brief asks). Matched by name, layers that do not fit keep their initial weights and are
// reported, never a crash; matched by order, a pair in doubt stops the load (TL4404, ./pairing).
// Every weight is counted: the report names those no file value reached and any set twice. The
// caller decides whether a report with layers left out is fatal (`weights imagenet`: TL4402).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GrayscaleAdaptation } from './grayscale';
import { adaptKernelToGrayscale } from './grayscale';
import { openKerasH5 } from './h5-reader';
import { MODEL_JSON } from './model-dir';
import { alignByName, pairLayers, weightUnits, type WeightsMatch } from './pairing';
import type { WeightsReport } from './report';
import { shortWeightName, type FileLayer, type FileWeight, type WeightsSource } from './source';
import { openTfjsModel } from './tfjs-reader';

export interface WeightsSourceSpec {
  /** A Keras .h5 file, a tfjs model.json, or a folder holding a model.json. */
  path: string;
  /** 'h5' (Keras) or 'tfjs' (layers-model model.json); default from the file's extension. */
  format?: 'h5' | 'tfjs';
}

export interface LoadWeightsOptions {
  /**
   * How model layers find their file layers: 'name' (default) by layer name; 'order' the file's
   * layers with weights in file order, zipped with the model's in `model.layers` order, as Keras
   * loads `.h5` weights (the catalog's `weightsMatch` for files whose names predate the model's).
   */
  match?: WeightsMatch;
  /** The first convolution, adapted when the model is grayscale and the file's kernel is RGB. */
  firstConv?: { layer: string; method: GrayscaleAdaptation };
}

type ModelLayer = tf.layers.Layer;
type ModelWeight = ModelLayer['weights'][number];

export async function loadWeights(
  model: tf.LayersModel,
  source: WeightsSourceSpec,
  options: LoadWeightsOptions = {},
): Promise<WeightsReport> {
  // A folder is a tfjs model folder (as saveModelToDir writes); else the extension decides.
  const isDir = existsSync(source.path) && statSync(source.path).isDirectory();
  const path = isDir ? join(source.path, MODEL_JSON) : source.path;
  const format = source.format ?? (isDir || path.toLowerCase().endsWith('.json') ? 'tfjs' : 'h5');
  const file = format === 'tfjs' ? await openTfjsModel(path) : await openKerasH5(path);
  try {
    return applyWeights(model, file, path, options);
  } finally {
    file.close();
  }
}

function applyWeights(model: tf.LayersModel, file: WeightsSource, sourcePath: string, options: LoadWeightsOptions): WeightsReport {
  const match = options.match ?? 'name';
  const report: WeightsReport = { source: sourcePath, match, matched: [], skipped: [], unused: [], unassigned: [], assignedTwice: [] };
  // Every weight set from the file, and every file weight used, counted: each exactly once.
  const assigned = new Map<ModelWeight, number>();
  const given = new Map<FileWeight, number>();
  const reinitialised = new Set<ModelWeight>();
  const pairs = pairLayers(model, file, match, sourcePath);
  const used = new Set<FileLayer>();
  const firstConv = options.firstConv ? weightUnits(model, () => false).find((l) => l.name === options.firstConv!.layer) : undefined;
  const firstConvUnit = firstConv ? pairs.findIndex(({ unit }) => unit === firstConv || unit.weights.includes(firstConv.weights[0])) : -1;

  pairs.forEach((pair, index) => {
    const unit = pair.unit;
    const modelWeights = unit.weights;
    if ('missing' in pair) {
      report.skipped.push({ layer: unit.name, reason: pair.missing });
      return;
    }
    const fileLayer = pair.fileLayer;
    used.add(fileLayer);
    // Paired by order, a reason names the file layer, which need not share the model layer's name.
    const paired = match === 'order' ? ` (paired by order with the file's \`${fileLayer.name}\`)` : '';
    const fileWeights = alignByName(fileLayer.weights, modelWeights);
    if (fileWeights.length !== modelWeights.length) {
      report.skipped.push({
        layer: unit.name,
        reason: `the file has ${fileWeights.length} weights for it (${fileWeights.map((w) => shortWeightName(w.name)).join(', ')}), the model layer has ${modelWeights.length} (${modelWeights.map((w) => shortWeightName(w.originalName)).join(', ')})${paired}`,
      });
      return;
    }
    // The first convolution (the unit itself, or inside a nested model) with RGB weights for a gray model.
    const kernel = index === firstConvUnit ? modelWeights.indexOf(firstConv!.weights[0]) : -1;
    const grayscale = kernel >= 0 && isRgbToGray(fileWeights[kernel].shape, modelWeights[kernel].shape);
    const reinitialise = grayscale && options.firstConv!.method === 'skip' ? firstConv!.weights.map((w) => modelWeights.indexOf(w)) : [];
    if (grayscale && options.firstConv!.method === 'skip') {
      report.skipped.push({ layer: firstConv!.name, reason: 're-initialised for grayscale input (adapt skip)' });
      report.adapted = { layer: firstConv!.name, method: 'skip' };
    }
    // In-model preprocessing before the first convolution: RGB statistics [3] for a gray model [1].
    const averaged = index < firstConvUnit ? modelWeights.map((w, i) => isRgbToGrayStatistic(fileWeights[i].shape, w.shape)) : [];
    const mismatch = modelWeights.findIndex(
      (w, i) => !(grayscale && i === kernel) && !averaged[i] && !sameShape(w.shape, fileWeights[i].shape),
    );
    if (mismatch >= 0) {
      const name = shortWeightName(modelWeights[mismatch].originalName);
      report.skipped.push({
        layer: unit.name,
        reason: `shape mismatch: ${name} is [${fileWeights[mismatch].shape.join(', ')}] in the file, [${modelWeights[mismatch].shape.join(', ')}] in the model${paired}`,
      });
      return;
    }
    let values: (Float32Array | undefined)[];
    try {
      values = fileWeights.map((w, i) => (reinitialise.includes(i) ? undefined : w.read()));
    } catch (error) {
      report.skipped.push({ layer: unit.name, reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    tf.tidy(() => {
      const tensors = values.map((v, i) => {
        if (v === undefined) return freshWeight(modelWeights[i].shape as number[], i === kernel);
        const t = tf.tensor(v, fileWeights[i].shape, 'float32');
        if (grayscale && i === kernel) return adaptKernelToGrayscale(t as tf.Tensor4D);
        return averaged[i] ? tf.mean(t, 0, true) : t;
      });
      unit.setWeights(tensors);
    });
    values.forEach((v, i) => {
      if (v === undefined) return void reinitialised.add(modelWeights[i]);
      assigned.set(modelWeights[i], (assigned.get(modelWeights[i]) ?? 0) + 1);
      given.set(fileWeights[i], (given.get(fileWeights[i]) ?? 0) + 1);
    });
    if (grayscale && options.firstConv!.method === 'sum') report.adapted = { layer: firstConv!.name, method: 'sum' };
    if (averaged.some(Boolean)) (report.averagedForGrayscale ??= []).push(unit.name);
    if (unit !== firstConv || reinitialise.length === 0) report.matched.push(unit.name);
  });

  report.unused = file.layers.filter((layer) => layer.weights.length > 0 && !used.has(layer)).map((layer) => layer.name);
  const modelWeights = [...new Set(model.weights)];
  report.unassigned = modelWeights.filter((w) => !assigned.has(w) && !reinitialised.has(w)).map((w) => w.originalName);
  report.assignedTwice = [
    ...modelWeights.filter((w) => (assigned.get(w) ?? 0) > 1).map((w) => w.originalName),
    ...[...given].filter(([, n]) => n > 1).map(([w]) => `${w.name} (in the file)`),
  ];
  return report;
}

/**
 * A re-initialised weight (`adapt skip`): Keras's Conv2D defaults, Glorot-uniform kernel and zero
 * bias, whatever the model was built with (a model built with zeros to be loaded fast would
 * otherwise keep a dead first convolution).
 */
function freshWeight(shape: number[], isKernel: boolean): tf.Tensor {
  return isKernel ? tf.initializers.glorotUniform({}).apply(shape) : tf.zeros(shape);
}

function isRgbToGray(fileShape: number[], modelShape: tf.Shape): boolean {
  return (
    fileShape.length === 4 &&
    modelShape.length === 4 &&
    fileShape[2] === 3 &&
    modelShape[2] === 1 &&
    fileShape[0] === modelShape[0] &&
    fileShape[1] === modelShape[1] &&
    fileShape[3] === modelShape[3]
  );
}

function isRgbToGrayStatistic(fileShape: number[], modelShape: tf.Shape): boolean {
  return fileShape.length === 1 && modelShape.length === 1 && fileShape[0] === 3 && modelShape[0] === 1;
}

function sameShape(a: tf.Shape, b: number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
