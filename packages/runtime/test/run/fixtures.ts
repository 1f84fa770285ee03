// Test fixtures for whole runs: small real PNG folders written with sharp (two classes that
// differ clearly: light images with a dark disc, dark images with light stripes, each with
// seeded noise and jitter), and plans made in code and checked as a plan from a file is
// (validatePlan, then checkPlan against the zoo): each is one the compiler could have written.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkPlan } from '@tlc/language';
import { validatePlan, type Plan, type StagePlan } from '@tlc/plan';
import { buildBackbone } from '@tlc/zoo';
import sharp from 'sharp';
import { createRng } from '../../src/random';
import { RunLog, runPlan, type RunSummary } from '../../src/index';

export const SIZE = 32;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tlc-${prefix}-`));
}

/** One 32x32 grayscale image of `kind`, varied by `seed`. */
function pixels(kind: 'disc' | 'stripes', seed: number): Uint8Array {
  const rng = createRng(seed);
  const out = new Uint8Array(SIZE * SIZE);
  const cx = 16 + rng.uniform(-4, 4);
  const cy = 16 + rng.uniform(-4, 4);
  const r = rng.uniform(6, 10);
  const phase = rng.int(6);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const noise = rng.uniform(-25, 25);
      const v = kind === 'disc'
        ? ((x - cx) ** 2 + (y - cy) ** 2 < r * r ? 30 : 220)
        : ((y + phase) % 6 < 3 ? 200 : 35);
      out[y * SIZE + x] = Math.max(0, Math.min(255, Math.round(v + noise)));
    }
  }
  return out;
}

/** Writes `root/<class>/<n>.png` for the two classes; returns root. */
export async function writeImageFolder(root: string, perClass: number, seed = 1): Promise<string> {
  for (const [c, kind] of (['disc', 'stripes'] as const).entries()) {
    mkdirSync(join(root, kind), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const data = pixels(kind, seed * 100_000 + c * 1000 + i);
      await sharp(Buffer.from(data), { raw: { width: SIZE, height: SIZE, channels: 1 } }).png().toFile(join(root, kind, `${kind}-${i}.png`));
    }
  }
  return root;
}

/** MobileNet alpha 0.25 at 32x32 grayscale, cut after its block3 (`conv_pw_5_relu`). */
export const BACKBONE = { architecture: 'MobileNet', family: 'mobilenet', alpha: 0.25, outputLayer: 'conv_pw_5_relu' } as const;

/**
 * Pretrains the fixture backbone: a from-scratch run on the fixture data (weights none), exported
 * to `baseDir/dir`. Returns the plan-relative path of its model.json, for `weights FILE`.
 */
export async function pretrainBackbone(baseDir: string, dir: string): Promise<{ path: string; summary: RunSummary }> {
  const plan = makePlan({ stages: [stage({ epochs: 2 })], export: { path: dir, format: 'tfjs-layers' } });
  const summary = await runPlan(plan, { baseDir, out: join(baseDir, `${dir}-run`), log: new RunLog({ quiet: true }) });
  return { path: `${dir}/model.json`, summary };
}

/** The backbone's layers, its input layer first, up to and including `last` (what `freeze until` lists). */
export function layersUntil(last: string): string[] {
  const backbone = buildBackbone(BACKBONE.architecture, { inputShape: [SIZE, SIZE, 1], alpha: BACKBONE.alpha, init: 'zeros' });
  const names = backbone.layers.map((l) => l.name);
  backbone.dispose();
  return names.slice(0, names.indexOf(last) + 1);
}

export function stage(overrides: Partial<StagePlan> = {}): StagePlan {
  return {
    name: 'train', epochs: 3, batchSize: 8,
    optimizer: { name: 'adam', learningRate: 0.01, momentum: null, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: null },
    loss: 'categorical_crossentropy', metrics: ['accuracy'], labelSmoothing: 0, precision: 'float32', earlyStopping: null, classWeights: { mode: 'none' }, schedule: { kind: 'constant' },
    frozenLayers: [], batchNormInference: false, layerLearningRates: [], checkpoint: { monitor: 'val_accuracy', mode: 'max' },
    ...overrides,
  };
}

export interface PlanOptions {
  weights?: Plan['model']['weights'];
  frozen?: string[];
  stages?: StagePlan[];
  units?: number;
  evaluate?: Plan['evaluate'];
  export?: Plan['export'];
  predict?: Plan['predict'];
  dataDir?: string;
  /** False for a plan that departs from the zoo on purpose (an ImageNet URL no server answers). */
  zooChecked?: boolean;
}

/** A valid plan for the fixture data; throws if validatePlan disagrees. */
export function makePlan(options: PlanOptions = {}): Plan {
  const frozen = options.frozen ?? [];
  const plan: Plan = {
    version: 1, name: 'fixture', source: null,
    model: {
      architecture: BACKBONE.architecture, family: BACKBONE.family, alpha: BACKBONE.alpha, inputShape: [SIZE, SIZE, 1],
      weights: options.weights ?? { source: 'none' },
      // Grayscale images on pretrained weights: the first convolution's RGB kernels summed, as the compiler writes it.
      firstConvAdapt: (options.weights ?? { source: 'none' }).source === 'none' ? null : { layer: 'conv1', method: 'sum' },
      cutAfter: { block: 'block3', layer: BACKBONE.outputLayer }, outputLayer: BACKBONE.outputLayer,
      freeze: { mode: frozen.length === 0 ? 'none' : 'until', until: frozen.length === 0 ? null : { block: null, layer: frozen[frozen.length - 1] }, layers: frozen },
    },
    preprocess: { requested: 'rescale', mode: 'rescale', channelOrder: 'rgb', scale: 1 / 255, mean: [0], std: [1] },
    head: {
      layers: [
        { type: 'pool', pool: 'avg', name: 'head_pool' },
        { type: 'dense', units: options.units ?? 2, activation: 'softmax', name: 'head_output' },
      ],
      outputUnits: options.units ?? 2, outputActivation: 'softmax',
    },
    data: {
      directory: options.dataDir ?? 'data', imageSize: [SIZE, SIZE], colorMode: 'grayscale', resize: 'stretch',
      validation: { mode: 'split', fraction: 0.25, seed: 7 }, batchSize: 8, shuffle: true, seed: 7,
      onBadImage: 'fail', maxPixels: 1_000_000, augment: null, labels: null,
    },
    stages: options.stages ?? [stage({ frozenLayers: frozen })],
    evaluate: options.evaluate === undefined ? { on: 'validation', directory: null, tta: 'none', threshold: 0.5 } : options.evaluate,
    export: options.export ?? null,
    predict: options.predict ?? null,
    notes: [],
  };
  const checked = validatePlan(plan);
  if (!checked.ok) throw new Error(`fixture plan is invalid: ${JSON.stringify(checked.errors)}`);
  const problems = options.zooChecked === false ? [] : checkPlan(plan);
  if (problems.length > 0) throw new Error(`fixture plan contradicts the zoo or itself: ${JSON.stringify(problems)}`);
  return plan;
}

/** Every weight of a model by name, as plain arrays (for before/after comparisons). */
export function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}
