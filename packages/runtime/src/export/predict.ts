// `predict`: class probabilities for new images with a trained model (in memory after a run,
// or loaded from an exported folder: model.json or model.onnx + labels.json + plan.json).
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { planMessages, validatePlan, type EvaluatePlan, type Plan } from '@tlc/plan';
import { checkPlan, planProblemsMessage } from '@tlc/language';
import { loadModelFromDir, modelDirToRead, WeightsError } from '@tlc/zoo';
import { mirrorImages, ttaProbabilities } from '../evaluate/evaluate';
import { argMax } from '../evaluate/metrics';
import { preprocess } from '../model/preprocess';
import { isMultiLabel } from '../train/loss';
import { RunError, runtimeMessages, type RuntimeMessage } from '../messages';
import { LABELS_JSON, PLAN_JSON } from './export';
import { MODEL_ONNX, OnnxClassifier } from './onnx';
import { RUN_FILES } from '../run/run-folder';
import { decodeBatchSkipping, listInputImages, type ImageShape, type SkippedImage } from './images';

export interface Prediction {
  file: string;
  /** The most probable class. */
  label: string;
  /** A multi-label head (a sigmoid over several classes): every class at or above the threshold, most probable first. */
  labels?: string[];
  probabilities: Record<string, number>;
}


const BATCH = 32;

/** The image size and colour mode a plan's model takes. */
export function planImageShape(plan: Plan): ImageShape {
  const [height, width, channels] = plan.model.inputShape;
  const resize = plan.data?.resize;
  return { height, width, colorMode: channels === 1 ? 'grayscale' : 'rgb', ...(resize && resize !== 'stretch' ? { resize } : {}) };
}

/** A tfjs model, or an exported model.onnx (which takes raw pixels and gives probabilities). */
export type Classifier = tf.LayersModel | OnnxClassifier;

export interface PredictOptions {
  /**
   * What runs a tfjs model: `auto` (default) its whole graph on onnxruntime (about 4x faster than
   * WebAssembly here, the same probabilities within float rounding), or tfjs when the model does
   * not export; `tfjs` always tfjs.
   */
  engine?: 'auto' | 'tfjs';
  /** `--tta flips`: each image's probabilities averaged with its left-right mirror image's, as `evaluate … tta flips` does. */
  tta?: EvaluatePlan['tta'];
  /** A multi-label head's threshold; default: the plan's (`evaluate … threshold T`), else 0.5. Refused (TL4213) for any other head. */
  threshold?: number;
  /** The model as the user named it, for messages. */
  modelName?: string;
  /**
   * `--on-bad-image`: a bad image found in a folder stops everything with TL4108 (`fail`, the
   * default: nothing is left out silently), or is left out and reported (`skip`). A file named
   * directly is always an error.
   */
  onBadImage?: 'skip' | 'fail';
}

/** predictImages' answer: a prediction per readable image, and each image left out with why. */
export interface PredictReport {
  predictions: Prediction[];
  skipped: SkippedImage[];
}

/** The threshold a multi-label head's predictions use: the option, else the plan's, else 0.5. */
export function predictThreshold(plan: Plan, options: PredictOptions = {}): number {
  return options.threshold ?? plan.evaluate?.threshold ?? 0.5;
}

/** A tfjs model on onnxruntime when it exports (see PredictOptions), else itself. */
async function fastestClassifier(model: Classifier, plan: Plan, engine: PredictOptions['engine']): Promise<{ classifier: Classifier; owned: boolean }> {
  if (model instanceof OnnxClassifier || engine === 'tfjs') return { classifier: model, owned: false };
  try {
    return { classifier: await OnnxClassifier.fromModel(model, plan), owned: true };
  } catch {
    return { classifier: model, owned: false };
  }
}

/**
 * TL4212 (a warning) when `--tta`'s left-right mirror images are ones the model never saw: its
 * plan's augmentation flips vertically only (as the checker's TL2050 says of `tta flips`).
 */
export function ttaFlipsUnseen(plan: Plan, given: string): RuntimeMessage | undefined {
  const augment = plan.data?.augment;
  return augment?.verticalFlip && !augment.horizontalFlip ? runtimeMessages.ttaFlipsUnseen(given) : undefined;
}

/** The predictions for the images `paths` name (files, or folders searched recursively). */
export async function predictFiles(model: Classifier, plan: Plan, classNames: string[], paths: string[], options: PredictOptions = {}): Promise<Prediction[]> {
  return (await predictImages(model, plan, classNames, paths, options)).predictions;
}

/** predictFiles with the images `onBadImage skip` left out (paths as given: relative to the working folder). */
export async function predictImages(model: Classifier, plan: Plan, classNames: string[], paths: string[], options: PredictOptions = {}): Promise<PredictReport> {
  const threshold = predictThreshold(plan, options);
  const multiLabel = isMultiLabel(plan.head);
  // A threshold given for a one-class-per-image model would change nothing: refused, not ignored.
  if (options.threshold !== undefined && !multiLabel) {
    const head = plan.head.outputUnits === 1 ? 'one sigmoid unit (two classes)' : `a ${plan.head.outputActivation} over ${plan.head.outputUnits} classes`;
    throw new RunError(runtimeMessages.thresholdNotMultiLabel(options.modelName ?? 'this model', head));
  }
  const named = new Set<string>();
  const files = await listInputImages(paths, named);
  const shape = planImageShape(plan);
  const canSkip = options.onBadImage === 'skip' ? (file: string) => !named.has(file) : () => false;
  // Failing on an image found in a folder: say how to label the others instead.
  const failHelp = (file: string) => (named.has(file) ? undefined : 'to label the other images and list each unreadable one with its reason, add --on-bad-image skip; or remove or repair the file');
  const { classifier, owned } = await fastestClassifier(model, plan, options.engine ?? 'auto');
  const results: Prediction[] = [];
  const skipped: SkippedImage[] = [];
  const shown = (file: string) => relative(process.cwd(), file) || file;
  // The next batch decodes (on sharp's threads) while this one is classified.
  const decode = (start: number) => {
    const pending = decodeBatchSkipping(files.slice(start, start + BATCH), shape, canSkip, failHelp);
    pending.catch(() => undefined); // awaited below; a bad image is reported there, in order
    return pending;
  };
  try {
    let next = decode(0);
    for (let start = 0; start < files.length; start += BATCH) {
      const batch = await next;
      if (start + BATCH < files.length) next = decode(start + BATCH);
      for (const s of batch.skipped) skipped.push({ file: shown(s.file), reason: s.reason });
      const { pixels, kept: chunk } = batch;
      if (!pixels) continue;
      let rows: number[][];
      try {
        rows = await classify(classifier, plan, pixels, options.tta ?? 'none');
      } finally {
        pixels.dispose();
      }
      rows.forEach((row, i) => {
        const best = argMax(row);
        const labels = multiLabel
          ? classNames.map((name, c) => ({ name, p: row[c]! })).filter((x) => x.p >= threshold).sort((a, b) => b.p - a.p).map((x) => x.name)
          : undefined;
        results.push({
          file: shown(chunk[i]!),
          label: classNames[best],
          ...(labels ? { labels } : {}),
          probabilities: Object.fromEntries(classNames.map((name, c) => [name, row[c]])),
        });
      });
    }
  } finally {
    if (owned) (classifier as OnnxClassifier).dispose();
  }
  return { predictions: results, skipped };
}

/**
 * Class probabilities of a batch of 0..255 pixels; with `flips`, the mean of the images' and
 * their mirror images' (the tfjs model through evaluate's own ttaProbabilities; an ONNX model on
 * the same mirrored pixels).
 */
async function classify(model: Classifier, plan: Plan, pixels: tf.Tensor4D, tta: EvaluatePlan['tta']): Promise<number[][]> {
  if (model instanceof OnnxClassifier) {
    const own = await model.probabilities(pixels);
    if (tta === 'none') return own;
    const mirrored = mirrorImages(pixels) as tf.Tensor4D;
    const other = await model.probabilities(mirrored);
    mirrored.dispose();
    return own.map((row, i) => row.map((p, c) => (p + other[i]![c]!) / 2));
  }
  const x = tf.tidy(() => preprocess(pixels, plan.preprocess));
  const { plain, averaged } = ttaProbabilities(model, plan.head, x, tta);
  const rows = (await averaged.array()) as number[][];
  tf.dispose([x, plain, averaged]);
  return rows;
}

export interface ExportedModel {
  model: Classifier;
  plan: Plan;
  classNames: string[];
}

/**
 * Loads a folder written by `export` (or a run folder's model/), tfjs or ONNX (`as onnx`: a
 * model.onnx and no model.json); when an export was killed between its two renames, the
 * previous export beside it.
 */
export async function loadExportedModel(given: string): Promise<ExportedModel> {
  const info = await stat(given).catch(() => null);
  if (!info) throw new RunError(runtimeMessages.modelFolderMissing(given));
  if (!info.isDirectory()) throw new RunError(runtimeMessages.modelFolderIsAFile(given));
  // A run folder (what `tlc run` prints as `run folder:`) stands for the model/ it exported.
  if (!existsSync(join(modelDirToRead(given), LABELS_JSON)) && existsSync(join(given, RUN_FILES.state))) {
    if (existsSync(join(given, RUN_FILES.model))) return loadExportedModel(join(given, RUN_FILES.model));
    throw new RunError(runtimeMessages.runFolderWithoutModel(given));
  }
  const dir = modelDirToRead(given);
  const read = async (name: string) => {
    let text: string;
    try {
      text = await readFile(join(dir, name), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'it has no' : code === 'EACCES' || code === 'EPERM' ? 'permission denied reading its' : `cannot read its (${code})`;
      throw new RunError(runtimeMessages.modelFileUnreadable(given, why, name));
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RunError(runtimeMessages.modelFileNotJson(given, name, text.trim() === ''));
    }
  };
  const plan = checkedPlan(await read(PLAN_JSON), join(given, PLAN_JSON));
  const classNames = await read(LABELS_JSON);
  if (!Array.isArray(classNames) || classNames.length < 2 || !classNames.every((c) => typeof c === 'string')) {
    throw new RunError(runtimeMessages.labelsNotAList(given, LABELS_JSON));
  }
  const outputs = plan.head.outputUnits === 1 ? 2 : plan.head.outputUnits;
  if (classNames.length !== outputs) {
    throw new RunError(runtimeMessages.labelsDisagreeWithHead(given, LABELS_JSON, classNames.length, outputs));
  }
  if (!existsSync(join(dir, 'model.json')) && existsSync(join(dir, MODEL_ONNX))) {
    return { model: await OnnxClassifier.open(join(dir, MODEL_ONNX)), plan, classNames: classNames as string[] };
  }
  let model: tf.LayersModel;
  try {
    model = await loadModelFromDir(dir);
  } catch (error) {
    if (error instanceof WeightsError) throw new RunError(runtimeMessages.modelWeightsDamaged(given, error.message));
    throw error;
  }
  const input = model.inputs[0].shape.slice(1).join('x');
  if (input !== plan.model.inputShape.join('x')) {
    model.dispose();
    throw new RunError(runtimeMessages.inputDisagreesWithPlan(given, input, plan.model.inputShape.join('x')));
  }
  return { model, plan, classNames: classNames as string[] };
}

/** The plan of a model folder, refused (TL3101, or checkPlan's code) unless this tlc can run it as it says. */
function checkedPlan(value: unknown, file: string): Plan {
  const valid = validatePlan(value);
  if (!valid.ok) throw new RunError(planMessages.notRunnable(file, valid.errors));
  const problems = checkPlan(valid.plan);
  if (problems.length > 0) throw new RunError(planProblemsMessage(file, problems[0].code, problems));
  return valid.plan;
}
