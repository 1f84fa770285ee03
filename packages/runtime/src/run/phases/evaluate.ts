// Phase 6, evaluate: the trained model on the images `evaluate` names (the validation split, or
// another labelled folder), written to evaluation.json. The model runs as a frozen trunk and a
// tail, like a stage: cut where the last stage's frozen layers end (that trunk's onnxruntime graph
// is cached already), else at the backbone's end; the trunk goes to onnxruntime as `--trunk`
// says (auto: when it exports and loads), the tail stays on tfjs. Forward only, so the result is
// the model's own up to the trunk runtime's float rounding (1e-4, the trunk's equivalence tests).
import { join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Plan } from '@tlc/plan';
import type { ImageDataset } from '../../data/dataset';
import { decodeOptionsOf, loadLabelledFolder } from '../../data/load';
import { evaluateModel, type EvaluationBatch, type EvaluationSource, type Evaluation, type MultiLabelEvaluation } from '../../evaluate/evaluate';
import { extraMetricsText, multiLabelText } from '../../evaluate/metrics';
import { isMultiLabel } from '../../train/loss';
import type { PixelSource } from '../../features/source';
import { TrunkRunner } from '../../features/trunk';
import { splitAtFreezePoint, type SplitModel } from '../../model/split';
import { startTrunkRuntime, type TrunkRuntime } from '../../onnx/trunk-runtime';
import { writeJsonAtomic } from '../atomic';
import type { RunContext, RunOptions } from '../context';
import { pixelSource } from '../pixels';
import type { RunLog } from '../progress';
import { RUN_FILES } from '../run-folder';
import type { RunData } from './data';
import type { RunModel } from './model';
import { resolvedBatch } from '../batch-size';

/** The evaluation, or null when the plan has none or there is nothing to evaluate on. */
export async function evaluateRun(run: RunContext, { model, backboneLayers }: RunModel, data: RunData): Promise<Evaluation | null> {
  const { plan, options, log, runDir } = run;
  if (!plan.evaluate) return null;
  const dataset = await evaluationSet(plan, data, options, log);
  const on = plan.evaluate.on === 'validation' ? 'validation' : plan.evaluate.directory ?? '';
  if (!dataset || dataset.size === 0) {
    log.line('evaluate: no validation images to evaluate on (the plan has no validation split)');
    return null;
  }
  const batchSize = resolvedBatch(plan.stages[0]?.batchSize ?? data.plan.batchSize);
  const files = dataset.files.map((f) => relative(options.baseDir, f));
  const { evaluation, trunk } = await evaluateDataset(plan, model, backboneLayers, dataset, {
    batchSize, files, classes: data.loaded.classes, on, trunk: options.trunk ?? 'auto', seed: data.plan.seed,
    multiLabel: isMultiLabel(plan.head) ? { targets: (i: ArrayLike<number>) => dataset.targetRows(i), threshold: plan.evaluate.threshold } : null,
  });
  if (trunk) log.line(`evaluate: trunk ${trunk}`);
  if (dataset !== data.loaded.validation) await dataset.close();
  writeJsonAtomic(join(runDir, RUN_FILES.evaluation), evaluation);
  const gain = evaluation.accuracyWithoutTta === null ? '' : `, with flips; ${(evaluation.accuracyWithoutTta * 100).toFixed(1)}% without`;
  const extra = evaluation.multiLabel ? `${multiLabelText(evaluation.multiLabel)}, macro F1 ${evaluation.macroF1.toFixed(3)}` : extraMetricsText(evaluation);
  const what = evaluation.multiLabel ? 'accuracy_multi' : 'accuracy';
  log.line(`evaluation on ${on}: ${what} ${(evaluation.accuracy * 100).toFixed(1)}%${gain}, ${extra} (${evaluation.images} images, ${evaluation.misclassified.length} ${evaluation.multiLabel ? 'with a wrong label set' : 'misclassified'})`);
  return evaluation;
}

/** The images `evaluate` names: the validation set, or another labelled folder. */
async function evaluationSet(plan: Plan, data: RunData, options: RunOptions, log: RunLog): Promise<ImageDataset | null> {
  if (plan.evaluate?.on !== 'directory') return data.loaded.validation;
  const dir = resolve(options.baseDir, plan.evaluate.directory ?? '');
  const { dataset, warnings, streamed } = await loadLabelledFolder(dir, data.loaded.classes, {
    ...decodeOptionsOf(data.plan), onBadImage: data.plan.onBadImage, role: 'evaluation folder',
    memoryShare: options.memoryShare, pixelCacheDir: options.pixelCacheDir,
    memoryInUse: data.loaded.training.bytesInMemory + (data.loaded.validation?.bytesInMemory ?? 0),
  });
  warnings.forEach((w) => log.line(`warning: ${w}`));
  if (streamed) log.line(streamed);
  return dataset;
}

export interface EvaluateOptions {
  batchSize: number;
  /** The dataset's files as the report names them. */
  files: string[];
  classes: string[];
  on: string;
  trunk: TrunkRuntime;
  seed: number;
  /** A multi-label head: each image's multi-hot truth and the threshold (null or absent: single-label). */
  multiLabel?: MultiLabelEvaluation | null;
}

/**
 * The model evaluated on `dataset` as the header says (a trunk on `options.trunk`, the tail on
 * tfjs); `trunk` describes where the trunk ran (null without one).
 */
export async function evaluateDataset(
  plan: Plan, model: tf.LayersModel, backboneLayers: ReadonlySet<string>, dataset: ImageDataset, options: EvaluateOptions,
): Promise<{ evaluation: Evaluation; trunk: string | null }> {
  const tta = plan.evaluate?.tta ?? 'none';
  const split = evaluationSplit(plan, model, backboneLayers);
  const trunk = split.trunk ? await startTrunkRuntime(split.trunk, options.trunk, { preprocess: plan.preprocess }) : null;
  const runner = new TrunkRunner(split.trunk, plan.preprocess, trunk?.onnx ?? null);
  try {
    const pixels = pixelSource(dataset, { batchSize: options.batchSize, shuffle: false, seed: options.seed, augment: null });
    const source = evaluationSource(pixels, runner, tta === 'flips' && split.trunk !== null);
    const evaluation = await evaluateModel(split.tail, plan.head, source, options.files, options.classes, options.on, tta, options.multiLabel ?? null);
    return { evaluation, trunk: trunk ? `input..${split.cutLayer} on ${trunk.description}` : null };
  } finally {
    await runner.dispose();
  }
}

/**
 * The model cut for evaluation: where the last stage's frozen layers end when they form a trunk,
 * else after the whole backbone (its pooling included); the whole model as the tail without a cut.
 */
function evaluationSplit(plan: Plan, model: tf.LayersModel, backboneLayers: ReadonlySet<string>): SplitModel {
  const frozen = plan.stages[plan.stages.length - 1]?.frozenLayers ?? [];
  const atFreeze = frozen.length > 0 ? splitAtFreezePoint(model, new Set(frozen)) : null;
  return atFreeze?.trunk ? atFreeze : splitAtFreezePoint(model, backboneLayers);
}

/** The tail's inputs per pixel batch, and with `mirror` those of the mirror images (through the trunk). */
function evaluationSource(pixels: PixelSource, runner: TrunkRunner, mirror: boolean): EvaluationSource {
  return {
    async *batches(epoch: number): AsyncIterable<EvaluationBatch> {
      for await (const batch of pixels.batches(epoch)) {
        try {
          const x = await runner.run(batch.pixels, batch.values);
          let mirrored: tf.Tensor | undefined;
          if (mirror) {
            const flipped = tf.reverse(batch.pixels, 2);
            mirrored = await runner.run(flipped);
            flipped.dispose();
          }
          yield { x, labels: batch.labels, indices: batch.indices, ...(mirrored ? { mirrored } : {}) };
        } finally {
          batch.pixels.dispose();
        }
      }
    },
  };
}
