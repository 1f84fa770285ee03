// Every error the runtime reports for people (TL4xxx), as one catalog shaped like the compiler's
// (../../language/src/compile/messages.ts): each code has a title (its `tlc explain` page has the
// same one) and each message is a function here, so no other file spells a code or a message,
// and tests compare against the catalog. A message is data, `{code, message, help}`, carried by
// one error class, RunError; the CLI renders it (`error[CODE]: message`, then `help: …`, or JSON).
// Codes are stable and never reused: TL40xx the plan against the data, TL41xx data, TL42xx runs,
// predict and embed, TL43xx backends, the trunk runtime and the torch engine. (The zoo's weights errors, TL44xx,
// have their catalog beside them in @tlc/zoo.)
import type { Code as LanguageCode, PlanCheckCode } from '@tlc/language';
import type { PlanCode } from '@tlc/plan';

/** Every code the runtime defines, with a one-line title. */
export const RUNTIME_CODES = {
  TL4001: 'head output size differs from the number of classes',
  TL4101: 'the data folder does not exist',
  TL4102: 'no class folders in the data folder',
  TL4103: 'only one class folder',
  TL4104: 'an empty class folder',
  TL4105: 'no images at all',
  TL4106: 'a class folder name tlc refuses',
  TL4107: 'validation classes differ from training classes',
  TL4108: 'unreadable images',
  TL4109: 'the validation split leaves a class without images',
  TL4110: 'the decoded images fit neither in memory nor on disk',
  TL4116: 'a memory share that is not a fraction of memory',
  TL4111: 'the labels file cannot be read',
  TL4112: 'the labels file is not a CSV tlc can read',
  TL4113: 'an image the labels file lists is not there',
  TL4114: 'an image listed twice in the labels file',
  TL4115: 'several labels per image for a single-label head',
  TL4201: 'nothing to predict or embed',
  TL4202: 'not an exported tlc model',
  TL4203: 'nothing to resume',
  TL4204: 'a model spec run without data',
  TL4205: 'out of memory while training',
  TL4206: 'the run folder is not free',
  TL4207: 'the weights file is not available',
  TL4208: 'a folder the run must write cannot be written',
  TL4209: 'a file named on the command line cannot be used',
  TL4210: 'features from random filters',
  TL4211: 'the learning-rate range test recorded no loss',
  TL4212: 'test-time flips on a model trained with vertical flips only',
  TL4213: 'a threshold for a model that predicts one class per image',
  TL4301: 'the requested backend is not available',
  TL4302: 'no backend could start',
  TL4310: 'the frozen trunk cannot run on onnxruntime',
  TL4320: 'the torch engine needs PyTorch',
  TL4322: 'the torch trainer failed',
  TL4323: 'a learning-rate schedule the torch engine did not apply (no longer reported)',
  TL4324: 'a torch job folder (--emit) with `batch auto`',
  TL4325: 'discriminative learning rates the torch engine did not apply (no longer reported)',
  TL4326: 'a data setting the torch engine did not apply (no longer reported)',
  TL4327: 'a multi-label head the torch engine did not train (no longer reported)',
  TL4328: 'the tfjs engine trains `precision bf16` in float32',
  TL4329: '`precision bf16` on a GPU without bfloat16',
} as const;

export type RuntimeCode = keyof typeof RUNTIME_CODES;

/** A run-time error as data: the CLI prints it, pretty or as JSON. */
export interface RuntimeMessage {
  code: RuntimeCode;
  message: string;
  /** What to do about it, when the message does not already say. */
  help?: string;
}

/**
 * What a RunError carries: a runtime message, or the plan's own (TL3101 from @tlc/plan's catalog,
 * TL3102 and up from the language's plan check) when a plan read at run time is refused, or a
 * language code the runtime reports when only the data can tell (TL2030).
 */
export interface RunErrorMessage {
  code: RuntimeCode | PlanCode | PlanCheckCode | LanguageCode;
  message: string;
  /** What to do about it, when the message does not already say. */
  help?: string;
}

/** The one error the runtime throws for people: a catalog message, never printed with a stack. */
export class RunError extends Error implements RunErrorMessage {
  readonly code: RunErrorMessage['code'];
  readonly help?: string;

  constructor(message: RunErrorMessage) {
    super(message.message);
    this.name = 'RunError';
    this.code = message.code;
    if (message.help !== undefined) this.help = message.help;
  }
}

const error = (code: RuntimeCode, message: string, help?: string): RuntimeMessage => ({ code, message, ...(help !== undefined ? { help } : {}) });
const MODEL_FOLDER = "give the folder `export` wrote, or a run folder's model/";
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Where a run folder is, for `--resume`. */
const RUN_FOLDER = 'give the folder a run made (runs/<pipeline>/<time>/, printed as `run folder:`)';

export const runtimeMessages = {
  // TL40xx: the plan against the data.
  headClassMismatch: (units: number, classes: number, classNames: string[], labelsFile: string | null = null) =>
    error(
      'TL4001',
      `the head's output layer has ${plural(units, 'unit')} but ${labelsFile ? `the labels file ${labelsFile} has ${plural(classes, 'label')}` : `the data has ${plural(classes, 'class folder')}`} ` +
        `(${classNames.join(', ')}); make the last dense layer ${classes === 2 ? '2 (or 1 with a sigmoid output)' : String(classes)} units`,
    ),

  // TL2030, the language's code, reported here when `tlc check` could not see the data folder.
  classWeightsNotClasses: (stage: string, named: string[], classNames: readonly string[]): RunErrorMessage => ({
    code: 'TL2030',
    message: `\`class weights\` in stage \`${stage}\` name${named.length === 1 ? 's' : ''} ${named.join(', ')}, not a class of the data; the classes are ${classNames.join(', ')}`,
  }),

  // TL41xx: the data.
  folderUnreadable: (folder: string, why: string) => error('TL4101', `cannot read the folder ${folder}: ${why}`),
  folderMissing: (what: string, folder: string) => error('TL4101', `the ${what} does not exist: ${folder}`),
  notAFolder: (what: string, folder: string) => error('TL4101', `the ${what} is not a folder: ${folder}`),
  noClassFolders: (role: string, root: string, looseImages: number) =>
    error(
      'TL4102',
      `the ${role} ${root} has no class folders` +
        `${looseImages > 0 ? ` (found ${plural(looseImages, 'image')} directly inside it: move them into one folder per class)` : ''}` +
        '; put the images of each class in a sub-folder named after the class',
    ),
  singleClass: (role: string, root: string, className: string) =>
    error('TL4103', `the ${role} ${root} has a single class folder (${className}); classification needs at least two, one sub-folder per class`),
  emptyClasses: (role: string, root: string, empty: string[]) =>
    error('TL4104', `in the ${role} ${root}, ${empty.length === 1 ? 'the class folder' : 'these class folders'} ${empty.join(', ')} ${empty.length === 1 ? 'has' : 'have'} no images`),
  classesEmptiedBySkipping: (role: string, emptied: string[]) =>
    error('TL4104', `after skipping bad images, the ${role} has no usable image of ${emptied.join(', ')}`),
  noImages: (role: string, root: string, classes: string[], extensions: readonly string[]) =>
    error('TL4105', `the ${role} ${root} has no images in any of its class folders (${classes.join(', ')}); image files end in ${extensions.join(' ')}`),
  unsafeClassFolder: (name: string, root: string, why: string) => error('TL4106', `refusing the class folder "${name}" in ${root}: ${why}`),
  classMismatch: (role: string, root: string, expected: readonly string[], differences: string[]) =>
    error('TL4107', `the ${role} ${root} must have the training classes (${expected.join(', ')}); ${differences.join('; ')}`),
  badImages: (count: number, total: number, lines: string[]) =>
    error(
      'TL4108',
      `${count} of ${total} image files cannot be used (on bad image fail):\n${lines.join('\n')}`,
      'Fix or remove them, or write `on bad image skip` in the data statement to train without them.',
    ),
  validationFraction: (fraction: number) => error('TL4109', `the validation fraction must be between 0 and 1 (exclusive), got ${fraction}`),
  tooFewToSplit: (images: number) =>
    error('TL4109', `too few images to hold out a validation set (${images} images); add images or use a separate validation folder`),
  tooLargeForDisk: (count: number, size: string, need: string, dir: string, free: string) =>
    error(
      'TL4110',
      `${count} images of ${size} need ${need}: more than the memory share, and the pixel cache folder ${dir} has only ${free} free`,
      'Free space there, or set TLC_HOME to a folder on a larger disk (the cache goes to $TLC_HOME/pixels), or use a smaller image size or fewer images.',
    ),
  diskFilledUp: (dir: string, need: string) =>
    error(
      'TL4110',
      `the disk of the pixel cache folder ${dir} filled up while ${need} of decoded images were written to it (the space was there when the run began); the partial cache was removed`,
      'Free space there, or set TLC_HOME to a folder on a larger disk (the cache goes to $TLC_HOME/pixels).',
    ),
  badMemoryShare: (source: string, given: string) =>
    error('TL4116', `${source} must be a fraction of memory above 0 and at most 1 (0.25) or a percentage (25%), got ${JSON.stringify(given)}`),

  // TL42xx: runs, predict and embed.
  noSuchPath: (path: string) => error('TL4201', `no such file or folder: ${path}`),
  labelsFileUnreadable: (file: string, why: string) =>
    error('TL4111', `cannot read the labels file ${file}: ${why}`, 'give a CSV file in the data folder: a header row, then one row per image (its path relative to the data folder, then its labels separated by spaces or by `separator`)'),
  labelsFileNotCsv: (file: string, line: number, why: string) =>
    error('TL4112', `${file}, line ${line}: ${why}`, 'a header row, then one row per image: its path relative to the data folder, a comma, its labels separated by spaces or by `separator` (quote a field that holds a comma)'),
  labelledImagesMissing: (file: string, missing: { line: number; path: string; why: string }[]) =>
    error(
      'TL4113',
      `${missing.length} image${missing.length === 1 ? '' : 's'} listed in ${file} cannot be used:\n${missing.slice(0, 10).map((m) => `  line ${m.line}: ${m.path}: ${m.why}`).join('\n')}${missing.length > 10 ? `\n  … and ${missing.length - 10} more` : ''}`,
      'image paths are relative to the data folder and must stay inside it; correct the paths or remove the rows',
    ),
  labelledImageTwice: (file: string, path: string, lines: number[]) =>
    error('TL4114', `${file} lists ${path} on lines ${lines.join(' and ')}`, 'give each image one row, with all its labels in the label column (separated by spaces, or by the `separator` given)'),
  severalLabelsForSingleLabelHead: (file: string, examples: string[], activation: string, units: number, spaceSeparated = false) =>
    error(
      'TL4115',
      `${file} gives some images several labels or none (${examples.join('; ')}), but the head's ${units}-unit ${activation} output predicts exactly one class per image`,
      'for several labels per image end the head with a sigmoid over the classes (`dense N sigmoid`, binary cross-entropy); otherwise give each image exactly one label' +
        (spaceSeparated ? '; a space separates labels, so a name with a space (`golden retriever`) is two labels: separate them with another character and say which, `labels "…" separator ";"`' : ''),
    ),
  notAnImage: (file: string, reason: string, help?: string) => error('TL4108', `${file} is not an image tlc can read: ${reason}`, help),
  noImageReadable: (skipped: { file: string; reason: string }[]) =>
    error(
      'TL4108',
      `none of the ${skipped.length} image${skipped.length === 1 ? '' : 's'} could be read, so nothing was labelled:\n${skipped.slice(0, 5).map((s) => `  ${s.file}: ${s.reason}`).join('\n')}${skipped.length > 5 ? `\n  … and ${skipped.length - 5} more` : ''}`,
      'check that these are the images you meant (a folder of other files?), or re-save them with an image editor',
    ),
  cannotReadInput: (file: string, why: string, wanted: string) => error('TL4209', `cannot read ${file}: ${why}`, `give ${wanted}`),
  inputIsAFolder: (file: string, wanted: string) => error('TL4209', `${file} is a folder, not a file`, `give ${wanted}`),
  cannotWrite: (target: string, why: string) => error('TL4209', `cannot write ${target}: ${why}`),
  lrFindNoLoss: (stage: string) =>
    error(
      'TL4211',
      `the loss of stage \`${stage}\` was not a number at the range test's first step, before any update: there is no curve and nothing to suggest`,
      'the model gives non-numbers on the first batch, as `tlc run` would find: start from whole weights (`weights imagenet`, or a model a finished run exported) and the preprocessing they were trained with (`preprocess native`)',
    ),
  ttaFlipsUnseen: (given: string) =>
    error(
      'TL4212',
      `--tta averages each image with its left-right mirror image, but ${given} was trained with vertical flips only (\`flip vertical\`): it never saw a left-right mirror image`,
      'if mirror images are images of the same class, train with `flip horizontal vertical`; if left and right matter, predict without --tta',
    ),
  thresholdNotMultiLabel: (given: string, head: string) =>
    error(
      'TL4213',
      `--threshold applies to a multi-label model (a sigmoid over several classes), but ${given} has ${head}: it predicts one class per image, the most probable, whatever the threshold`,
      'predict without --threshold; to act on the probability, read it from `--json` (probabilities by class name)',
    ),
  randomFeatures: (why: string, fix: string) => error('TL4210', `${why}, and embed trains nothing: the features come from random filters and say little about the images`, fix),
  runFolderMissing: (dir: string) => error('TL4203', `nothing to resume: the run folder ${dir} does not exist`, RUN_FOLDER),
  runFolderIsAFileToResume: (dir: string) => error('TL4203', `nothing to resume: ${dir} is a file, not a run folder`, RUN_FOLDER),
  notARunFolder: (dir: string) => error('TL4203', `nothing to resume: ${dir} holds no plan.json, so it is not a run folder`, RUN_FOLDER),
  noImageFiles: (paths: string[]) => error('TL4201', `no image files in ${paths.join(', ')}`),
  modelFolderMissing: (given: string) => error('TL4202', `the model folder ${given} does not exist; ${MODEL_FOLDER}`),
  runFolderWithoutModel: (given: string) =>
    error('TL4202', `${given} is a run folder without a model/ yet: the run has not finished`, 'finish it with `tlc run --resume` on that folder, then predict with it (or with its model/)'),
  modelFolderIsAFile: (given: string) => error('TL4202', `${given} is a file, not a model folder; ${MODEL_FOLDER}`),
  modelFileUnreadable: (given: string, why: string, file: string) => error('TL4202', `${given} is not an exported tlc model: ${why} ${file}; ${MODEL_FOLDER}`),
  modelWeightsDamaged: (given: string, detail: string) => error('TL4202', `${given} is not an exported tlc model that loads: ${detail}; ${MODEL_FOLDER}`),
  modelFileNotJson: (given: string, file: string, empty: boolean) =>
    error('TL4202', `${given} is not an exported tlc model: its ${file} is ${empty ? 'empty' : 'not valid JSON'}; ${MODEL_FOLDER}`),
  labelsNotAList: (given: string, file: string) => error('TL4202', `${given}'s ${file} is not a list of two or more class names; ${MODEL_FOLDER}`),
  labelsDisagreeWithHead: (given: string, file: string, classes: number, outputs: number) =>
    error('TL4202', `${given}'s ${file} names ${classes} classes but its plan's head outputs ${outputs}: the two files are from different models`),
  inputDisagreesWithPlan: (given: string, input: string, planned: string) =>
    error('TL4202', `${given}'s model.json takes ${input} inputs but its plan.json says ${planned}: the two files are from different models`),
  nothingToResume: (runDir: string, state: string, last: string) =>
    error('TL4203', `${runDir} has no completed epoch to resume from (no ${state} and ${last}/): start the run again`),
  stateOfAnotherVersion: (file: string) => error('TL4203', `${file} was written by another version of tlc`),
  runFolderInUse: (dir: string, pid: number | null, host: string | null, lock: string) =>
    error(
      'TL4203',
      `${dir} is in use: ${pid === null ? 'another tlc process' : `tlc process ${pid}${host ? ` on ${host}` : ''}`} is running or resuming this run now, and two processes would overwrite each other's checkpoints`,
      `wait for it to finish, or stop it (Ctrl-C keeps every completed epoch), then resume; if no tlc runs on this folder any more (e.g. that machine restarted), delete ${lock}`,
    ),
  stateDamaged: (file: string, why: string) =>
    error(
      'TL4203',
      `${file} is damaged (${why}): it no longer says which epoch the run's checkpoints hold`,
      'tlc writes it atomically, so something else changed or truncated it: restore it from a copy, or start the run again',
    ),
  checkpointOfAnotherModel: (dir: string, weight: string) => error('TL4203', `the checkpoint in ${dir} has no weight ${weight}: it belongs to another model`),
  specWithoutData: () => error('TL4204', 'the plan has no `data` statement (a model spec): give the image folder with --data DIR'),
  outOfMemory: (stage: string, batchSize: number, detail: string) =>
    error(
      'TL4205',
      `out of memory in stage \`${stage}\` with batch ${batchSize} (${detail}). ` +
        (batchSize > 1
          ? `Try \`batch ${Math.floor(batchSize / 2)}\`, a smaller image size, or freeze more of the backbone.`
          : 'Batch 1 is the smallest: use a smaller image size or model, or freeze more of the backbone.'),
    ),
  runFolderIsAFile: (dir: string) => error('TL4206', `--out ${dir} is a file, not a folder: give a new folder for the run`),
  runFolderNotFree: (dir: string, what: string, defaultFolder = 'runs/<pipeline>/<time>/') =>
    error('TL4206', `--out ${dir} ${what}; a run never writes over another folder's files: give a new folder (or none: ${defaultFolder}), or remove this one`),
  runFolderTaken: (dir: string) => error('TL4206', `--out ${dir} was taken by another run starting at the same moment: give a new folder`),
  predictFolderMissing: (folder: string) => error('TL4201', `the folder \`predict\` names does not exist: ${folder}`),
  weightsFileMissing: (path: string, written: string, baseDir: string) =>
    error('TL4207', `the weights file ${path} does not exist (\`weights "${written}"\`, relative to the plan's folder ${baseDir})`),
  /** `reason`: the zoo's message, with the URL and the path to place the file by hand. */
  weightsUnavailable: (reason: string) => error('TL4207', reason),
  exportFolderNotReplaceable: (reason: string) => error('TL4208', `the export path: ${reason}`),
  folderUnderAFile: (what: string, path: string, file: string) => error('TL4208', `cannot make ${what} ${path}: ${file} is a file, not a folder`),
  folderNotWritable: (what: string, path: string, folder: string) =>
    error('TL4208', `cannot make ${what} ${path}: ${folder} is not writable`, 'Choose a folder you can write to.'),
  runFolderWriteFailed: (target: string, why: string, runDir: string) =>
    error('TL4208', `cannot write ${target} in the run folder: ${why}`, `the run folder keeps every completed epoch: once the disk or the folder is fixed, \`tlc run --resume ${runDir}\` continues from the last one`),

  // TL43xx: backends and the trunk runtime.
  backendNotInstalled: (backend: string, reasons: string, install: string) => error('TL4301', `the ${backend} backend is not available:\n${reasons}`, install),
  backendFailed: (backend: string, reasons: string) =>
    error('TL4301', `the ${backend} backend could not be started:\n${reasons}`, 'Run with --backend auto to fall back to another backend.'),
  noBackend: (reasons: string) => error('TL4302', `no TensorFlow.js backend could be started:\n${reasons}`),
  trunkNotOnOnnx: (reason: string) => error('TL4310', `the frozen trunk cannot run on onnxruntime: ${reason}`, 'Run with --trunk auto to fall back to tfjs.'),
  noTorch: (minimum: string, failures: string[], install: string) =>
    error('TL4320', `the torch engine needs Python 3 with PyTorch ${minimum} or newer:\n  ${failures.join('\n  ')}`, install),
  noCudaForTorch: (torchVersion: string, python: string) =>
    error('TL4320', `--device cuda: PyTorch ${torchVersion} (${python}) sees no CUDA GPU; run with --device cpu, or install a CUDA build of PyTorch`),
  torchJobBatchAuto: (stage: string) =>
    error(
      'TL4324',
      `a torch job folder (--emit) cannot use \`batch auto\` (stage ${stage}): the batch that fits depends on the machine that runs the job, which tlc does not see; give the batch size, e.g. \`batch 64\``,
    ),
  bf16OnTfjs: (stages: string[]) =>
    error(
      'TL4328',
      `the tfjs engine has no bfloat16: it trains ${stages.length === 1 ? `stage ${stages[0]}` : `stages ${stages.join(' and ')}`} in float32, not in the \`precision bf16\` asked for (the same model, the same results up to rounding)`,
      'to compute in bfloat16, run with `--engine torch` (best on a GPU with bf16: NVIDIA Ampere or newer); write `precision float32` to silence this warning',
    ),
  noBf16OnGpu: (stage: string, gpu: string) =>
    error(
      'TL4329',
      `stage ${stage} asks for \`precision bf16\`, but ${gpu} has no bfloat16 (PyTorch's torch.cuda.is_bf16_supported() is false: bf16 needs an NVIDIA Ampere GPU or newer)`,
      'write `precision float32` (the default), or run on a GPU with bfloat16, or on the CPU (`--device cpu`)',
    ),
  torchTrainerFailed: (code: number | null, note: string | null, why: string) =>
    error('TL4322', `the torch trainer failed (exit ${code})${note ? `; ${note}` : ''}; its last output:\n${why}`),
  notATorchJob: (dir: string, why: string) =>
    error('TL4209', `${dir} is not a torch job folder: ${why}`, 'give the folder `tlc run FILE --engine torch --emit DIR` wrote (after its launch.sh has run)'),
  torchJobNotTrained: (dir: string, trained: string) =>
    error('TL4322', `the torch job in ${dir} has not finished: it holds no ${trained}`, `run its launch.sh (or the torchrun command --emit printed) to the end first; a rerun continues from its checkpoint`),
  torchLeftNoWeights: (trained: string) => error('TL4322', `the torch trainer ended without its trained weights (${trained})`),
};
