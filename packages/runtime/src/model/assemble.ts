// A plan's model: the zoo backbone (weights none / imagenet / a file, first convolution adapted
// for grayscale), cut at plan.model.outputLayer, with plan.head on top, as one functional model
// whose layers carry the Keras and plan names.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Plan } from '@tlc/plan';
import { buildBackbone, ensureImagenetWeights, findModel, formatWeightsReport, loadWeights, modelDirToRead, WeightsError, wrongModelWeightsFile, type WeightsReport } from '@tlc/zoo';
import { RunError, runtimeMessages } from '../messages';
import { applyHead } from './head';
import { seedInitialWeights } from './seeded-init';

/** The seed of a model spec's initial weights (a plan without data has no seed of its own). */
const DEFAULT_SEED = 42;

export interface AssembledModel {
  model: tf.LayersModel;
  /** The backbone's layer names (everything else is the head). */
  backboneLayers: Set<string>;
  /** What weight loading reported, for the run log (null for `weights none`). */
  weightsNote: string | null;
}

export interface AssembleOptions {
  /** The folder plan paths are relative to. */
  baseDir: string;
  /** Progress for a weights download. */
  onDownload?: (received: number, total: number | undefined) => void;
  /** The weights file planWeightsFile already found (else it is looked for again). */
  weights?: WeightsFileOnDisk;
}

/** TL4001 unless the head's output fits the number of classes (the labels of `labelsFile` when the data has one). */
export function checkHeadFitsClasses(plan: Plan, classNames: string[], labelsFile: string | null = null): void {
  const units = plan.head.outputUnits;
  const classes = classNames.length;
  const fits = units === classes || (units === 1 && classes === 2 && plan.head.outputActivation !== 'softmax');
  if (!fits) throw new RunError(runtimeMessages.headClassMismatch(units, classes, classNames, labelsFile));
}

/** Where the plan's backbone weights are on disk; null for `weights none`. */
export interface WeightsFileOnDisk {
  path: string;
  format: 'h5' | 'tfjs';
}

/**
 * The plan's weights file, made available: `weights "FILE"` checked to exist, `weights imagenet`
 * shipped, cached or downloaded now. TL4207 when it cannot be had, saying how to get it by hand.
 */
export async function planWeightsFile(plan: Plan, options: AssembleOptions): Promise<WeightsFileOnDisk> {
  const weights = plan.model.weights;
  if (weights.source === 'none') throw new Error('planWeightsFile: the plan has `weights none`');
  if (weights.source === 'file') {
    const path = isAbsolute(weights.path) ? weights.path : resolve(options.baseDir, weights.path);
    if (!existsSync(path) && !existsSync(modelDirToRead(path))) {
      throw new RunError(runtimeMessages.weightsFileMissing(path, weights.path, options.baseDir));
    }
    return { path, format: weights.format };
  }
  try {
    const path = await ensureImagenetWeights(
      { url: weights.url, hash: weights.hash, hashAlgorithm: weights.hashAlgorithm, fileName: weights.fileName },
      options.onDownload ? { onProgress: options.onDownload } : {},
    );
    return { path, format: 'h5' };
  } catch (error) {
    // A download or cache problem is TL4207; a WeightsError with a code of its own keeps it.
    if (error instanceof WeightsError && !(error as { code?: unknown }).code) throw new RunError(runtimeMessages.weightsUnavailable(error.message));
    throw error;
  }
}

/** The backbone alone, cut at plan.model.outputLayer, with its weights loaded as the plan says. */
export async function buildPlanBackbone(plan: Plan, options: AssembleOptions): Promise<{ backbone: tf.LayersModel; weightsNote: string | null }> {
  const spec = plan.model;
  const weights = spec.weights;
  const full = buildBackbone(spec.architecture, {
    inputShape: spec.inputShape,
    ...(spec.alpha !== null ? { alpha: spec.alpha } : {}),
    init: weights.source === 'none' ? 'random' : 'zeros',
  });
  // Cut first, so weight loading reports only the layers the model keeps.
  const backbone = spec.outputLayer === full.layers[full.layers.length - 1].name
    ? full
    : tf.model({ inputs: full.inputs, outputs: full.getLayer(spec.outputLayer).output as tf.SymbolicTensor, name: full.name });
  if (weights.source === 'none') return { backbone, weightsNote: null };
  const firstConv = spec.firstConvAdapt;
  const { path, format } = options.weights ?? (await planWeightsFile(plan, options));
  // Families whose Keras files carry automatic names older than the builder's load by order, as
  // Keras loads an .h5 file: ImageNet files and the user's own (.h5, or a model.json converted
  // from an old Keras, paired in its modelTopology's order).
  const match = findModel(spec.architecture)?.weightsMatch;
  const report = await loadWeights(backbone, { path, format }, { ...(firstConv ? { firstConv } : {}), match });
  if (weights.source === 'imagenet') requireEveryLayer(report, `${spec.architecture}${spec.alpha !== null ? ` alpha ${spec.alpha}` : ''}`);
  return { backbone, weightsNote: formatWeightsReport(report) };
}

/**
 * TL4402 unless the ImageNet file gave every weight of the backbone its value, once (but the
 * first convolution that `adapt skip` re-initialises): the catalog's file is the model's own, so
 * a weight left out means another model's file under its name (one Keras publishes no hash for).
 */
function requireEveryLayer(report: WeightsReport, model: string): void {
  const missed = report.skipped.filter(({ layer }) => !(report.adapted?.method === 'skip' && layer === report.adapted.layer));
  const problems = [
    ...missed.map(({ layer, reason }) => `layer ${layer}: ${reason}`),
    ...report.unassigned.filter((w) => !missed.some(({ layer }) => w.startsWith(`${layer}/`))).map((w) => `weight ${w}: not set from the file`),
    ...report.assignedTwice.map((w) => `weight ${w}: set more than once`),
  ];
  if (problems.length > 0) throw wrongModelWeightsFile(report.source, model, problems);
}

/** Backbone + head as one model. */
export async function assembleModel(plan: Plan, options: AssembleOptions): Promise<AssembledModel> {
  const { backbone, weightsNote } = await buildPlanBackbone(plan, options);
  const features = backbone.getLayer(plan.model.outputLayer).output as tf.SymbolicTensor;
  const output = applyHead(features, plan.head);
  const model = tf.model({ inputs: backbone.inputs, outputs: output, name: modelName(plan.name) });
  const headNames = new Set(plan.head.layers.map((l) => l.name));
  const backboneLayers = new Set(model.layers.filter((l) => !headNames.has(l.name)).map((l) => l.name));
  // Repeatable runs: the head (and a backbone without weights) start from the run's seed.
  const fresh = model.layers.filter((l) => headNames.has(l.name) || plan.model.weights.source === 'none');
  seedInitialWeights(fresh, plan.data?.seed ?? DEFAULT_SEED);
  return { model, backboneLayers, weightsNote };
}

/** A tfjs-safe model name from the pipeline's name. */
function modelName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_') || 'model';
}
