// Every diagnostic the language reports, as one catalog: each code has a title (for
// `tlc explain`) and each message is a function here, so the parser and the checker never spell
// a message themselves and tests compare against the catalog, not against copied text.
// Codes are stable and never reused: TL1xxx syntax, TL2xxx meaning (TL3xxx the compiler's,
// compile/messages.ts; TL4xxx run time, the runtime's catalog).
import type { Span } from '../ast/nodes';
import type { Diagnostic, Label, Severity } from './types';

/** Every code the language defines, with a one-line title. */
export const CODES = {
  TL1001: 'unexpected character',
  TL1002: 'unterminated string',
  TL1003: 'unknown statement',
  TL1004: 'unknown setting in a block',
  TL1005: 'unclosed `{`',
  TL1006: 'unmatched `}`',
  TL1007: 'expected something that is missing',
  TL1008: 'unexpected word or value',
  TL1009: 'clause given twice in one statement',
  TL1010: 'unknown escape in a string',
  TL2001: 'unknown model',
  TL2002: 'missing `use`',
  TL2003: 'missing `head`',
  TL2004: 'statement given twice',
  TL2005: 'setting given twice in a block',
  TL2006: 'pretrained weights with rescaling or no preprocessing',
  TL2007: 'freezing random weights',
  TL2008: 'grayscale images with RGB weights',
  TL2009: 'image size the model cannot take',
  TL2011: 'block or layer the model does not have',
  TL2012: 'freeze point after the cut',
  TL2013: 'augmentation turns the feature cache off',
  TL2014: 'not a positive whole number',
  TL2015: 'value out of range',
  TL2016: 'unknown option value',
  TL2017: '`unfreeze` outside `fine tune`',
  TL2018: '`fine tune` with nothing frozen',
  TL2020: 'unfreeze point unfreezes nothing',
  TL2021: '`alpha` on a model without width multipliers',
  TL2022: '`alpha` value the model does not have',
  TL2023: 'output activation does not fit the number of units',
  TL2024: 'head does not end with a `dense` layer',
  TL2025: 'no ImageNet weights for these options',
  TL2026: 'a setting the optimizer does not have',
  TL2027: '`normalize` constants differ from the weights\' own preprocessing',
  TL2028: 'a folder the pipeline reads does not exist',
  TL2029: 'the weights file does not exist',
  TL2030: '`class weights` names a class the data does not have',
  TL2031: 'a clause the schedule does not take',
  TL2032: 'warm-up as long as the stage',
  TL2033: '`one cycle` peak below the stage\'s learning rate',
  TL2034: '`schedule` and `reduce lr on plateau` in one stage',
  TL2035: '`schedule step` that never steps',
  TL2043: '`mixup` or `cutmix` without a single-label head',
  TL2044: '`shift` for both axes and for one axis',
  TL2045: 'a fill value with a fill mode other than `constant`',
  TL2046: '`random crop` of images padded by `resize pad`',
  TL2036: 'a discriminative learning rate on layers frozen in its stage',
  TL2037: 'a discriminative range reversed or overlapping another',
  TL2038: '`lr A .. B` with A above B',
  TL2039: 'layer index beyond the model',
  TL2040: 'a later `fine tune` whose `unfreeze` unfreezes nothing',
  TL2041: '`batch norm` with nothing pretrained',
  TL2042: 'stage name given twice or unusable',
  TL2050: '`tta flips` on a model trained with vertical flips only',
  TL2051: '`reduce lr on plateau` or `early stop` whose patience outlasts the stage',
  TL2052: '`batch norm train` where no backbone layer trains',
  TL2053: '`early stop` that gives up before `reduce lr on plateau` acts',
  TL2054: 'labels file not found',
  TL2055: '`labels` file with a class-folder validation or evaluation set',
  TL2056: '`class weights` with a multi-label head',
  TL2057: '`threshold` without a multi-label head',
  TL2058: '`threshold` outside 0..1',
  TL2061: 'float16 precision, which needs loss scaling',
  TL2062: '`precision bf16` computes in bfloat16 only on the torch engine',
  TL2067: 'empty `separator` in `labels`',
  TL2068: '`separator` that the CSV itself uses (a comma, a quote, a line break)',
  TL2069: '`separator` written as a name or with spaces around it',
} as const;

export type Code = keyof typeof CODES;

/** A message without its place: the parser or a rule adds the span. */
export interface Message {
  code: Code;
  severity: Severity;
  message: string;
  help?: string;
  notes?: string[];
}

/** Places a message at a span, with optional secondary labels. */
export function at(message: Message, span: Span, labels?: Label[]): Diagnostic {
  const diagnostic: Diagnostic = { code: message.code, severity: message.severity, message: message.message, span };
  if (labels && labels.length > 0) diagnostic.labels = labels;
  if (message.notes && message.notes.length > 0) diagnostic.notes = message.notes;
  if (message.help !== undefined) diagnostic.help = message.help;
  return diagnostic;
}

const error = (code: Code, message: string, help?: string, notes?: string[]): Message => ({
  code,
  severity: 'error',
  message,
  ...(help !== undefined ? { help } : {}),
  ...(notes ? { notes } : {}),
});
const warning = (code: Code, message: string, help?: string, notes?: string[]): Message => ({
  ...error(code, message, help, notes),
  severity: 'warning',
});
const info = (code: Code, message: string, help?: string, notes?: string[]): Message => ({
  ...error(code, message, help, notes),
  severity: 'info',
});

const suggest = (suggestion: string | undefined): string | undefined =>
  suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;

/** `a`, `a or b`, `a, b or c`, each in backticks. */
export function orList(words: readonly string[]): string {
  const quoted = words.map((w) => `\`${w}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** `block1 … block5`: blocks are numbered in order, so the ends say it all. */
function pointList(points: readonly string[]): string {
  return points.length > 2 ? `${points[0]} … ${points[points.length - 1]}` : points.join(', ');
}

export const messages = {
  // ------------------------------------------------------------ syntax (TL1xxx)
  unexpectedCharacter: (character: string) =>
    error('TL1001', `unexpected character \`${character}\``, 'remove it; `#` starts a comment'),
  unterminatedString: () => error('TL1002', 'unterminated string', 'add the closing `"` on the same line'),
  unknownStatement: (word: string, suggestion: string | undefined, block: string | undefined) =>
    error(
      'TL1003',
      `unknown statement \`${word}\``,
      suggest(suggestion) ??
        (block !== undefined ? `\`${word}\` is a setting: put it inside \`${block}\`` : undefined),
      block === undefined && suggestion === undefined
        ? ['a statement starts with pipeline, data, augment, use, preprocess, head, train, fine tune, evaluate, export or predict']
        : undefined,
    ),
  unknownSetting: (word: string, block: string, suggestion: string | undefined, belongsTo: string | undefined) =>
    error(
      'TL1004',
      `unknown setting \`${word}\` in \`${block}\``,
      suggest(suggestion) ??
        (belongsTo !== undefined
          ? `\`${word}\` belongs in \`${belongsTo}\``
          : undefined),
    ),
  unclosedBlock: (block: string) =>
    error('TL1005', `unclosed \`{\` in \`${block}\``, 'add the closing `}` after the last setting'),
  unmatchedClose: () => error('TL1006', 'unmatched `}`', 'remove it, or add the `{` it closes'),
  expected: (what: string, after: string, found: string | undefined, help?: string) =>
    error('TL1007', `expected ${what} after \`${after}\`${found === undefined ? '' : `, found ${found}`}`, help),
  unexpected: (found: string, where: string, suggestion?: string, belongsTo?: string, item: 'statement' | 'setting' = 'statement') =>
    error(
      'TL1008',
      `unexpected ${found} in ${where}`,
      suggest(suggestion) ??
        (belongsTo !== undefined ? `${found} belongs in \`${belongsTo}\`` : `a ${item} ends at a newline or \`;\``),
    ),
  duplicateClause: (clause: string, statement: string) =>
    error('TL1009', `\`${clause}\` is given twice in one \`${statement}\``, 'keep one of them'),
  unknownEscape: (escape: string) =>
    error('TL1010', `unknown escape \`${escape}\` in a string`, 'the escapes are \\", \\\\, \\n and \\t'),

  // ------------------------------------------------------------ meaning (TL2xxx)
  unknownModel: (name: string, suggestion: string | undefined) =>
    error(
      'TL2001',
      `unknown model \`${name}\``,
      suggest(suggestion) ?? 'run `tlc models` to list the models',
      suggestion === undefined ? undefined : ['model names are case-sensitive Keras names'],
    ),
  missingUse: () =>
    error('TL2002', 'no `use` statement: the pipeline needs a backbone', 'add one, for example `use ResNet50V2 weights imagenet`'),
  missingHead: () =>
    error('TL2003', 'no `head` statement: the model needs a classifier', 'add one, for example `head dense 256 -> 2`'),
  duplicateStatement: (statement: string) =>
    error('TL2004', `\`${statement}\` is given twice`, `keep one \`${statement}\` statement`),
  duplicateSetting: (setting: string, block: string) =>
    error('TL2005', `\`${setting}\` is given twice in \`${block}\``, 'keep one of them'),
  rescaleWithPretrained: (mode: string, model: string, native: string) =>
    warning(
      'TL2006',
      `\`preprocess ${mode}\` with pretrained weights: ${model}'s filters were tuned on its own preprocessing (${native})`,
      'use `preprocess native`; rescaling is for training from scratch (`weights none`)',
    ),
  freezeRandomWeights: (freeze: string) =>
    error(
      'TL2007',
      `\`freeze ${freeze}\` with \`weights none\`: freezing random filters keeps them random`,
      'use `freeze none` to train everything, or load weights (`weights imagenet`)',
    ),
  grayscaleWithRgbWeights: (firstConv: string, adapt: 'sum' | 'skip', fromFile = false) =>
    info(
      'TL2008',
      `grayscale images with ${fromFile ? 'a weights file: if its' : 'RGB weights: the'} first convolution \`${firstConv}\` ${
        fromFile ? 'takes RGB, it ' : ''
      }is ${adapt === 'sum' ? 'adapted by summing its RGB kernels' : 're-initialised (`adapt skip`)'}`,
      adapt === 'sum' ? 'write `adapt skip` to re-initialise that layer instead' : undefined,
    ),
  imageTooSmall: (width: number, height: number, model: string, minimum: number) =>
    error(
      'TL2009',
      `image size ${width}x${height} is too small for ${model}: the minimum is ${minimum}x${minimum}`,
      `use at least \`image ${minimum}x${minimum}\``,
    ),
  imageWrongMultiple: (width: number, height: number, model: string, multiple: number, minimum: number) =>
    error(
      'TL2009',
      `image size ${width}x${height} does not suit ${model}: each side must be a multiple of ${multiple} (minimum ${minimum})`,
      `try \`image ${Math.max(minimum, Math.round(width / multiple) * multiple)}x${Math.max(minimum, Math.round(height / multiple) * multiple)}\``,
    ),
  unknownPoint: (point: string, model: string, points: readonly string[], suggestion: string | undefined) =>
    error(
      'TL2011',
      `${model} has no block \`${point}\``,
      suggest(suggestion) ?? `valid freeze points for ${model} are ${pointList(points)}, or a quoted Keras layer name`,
      suggestion === undefined ? undefined : [`valid freeze points for ${model} are ${pointList(points)}`],
    ),
  unknownLayer: (layer: string, model: string, suggestion: string | undefined) =>
    error('TL2011', `${model} has no layer "${layer}"`, suggest(suggestion) ?? 'run `tlc models` to list its blocks and layers'),
  pointAfterCut: (clause: string, point: string, cut: string) =>
    error(
      'TL2012',
      `\`${clause} ${point}\` is after the cut: the backbone ends at \`${cut}\``,
      `use a point up to \`${cut}\`, or cut later`,
    ),
  augmentWithFrozenBackbone: () =>
    info(
      'TL2013',
      'augmentation with a frozen backbone: the feature cache is off, so each epoch runs the backbone again',
      undefined,
      ['frozen features can be cached only when every epoch sees the same images; without `augment` training reuses them'],
    ),
  notPositiveInteger: (setting: string, raw: string) =>
    error('TL2014', `\`${setting}\` must be a positive whole number, not ${raw}`),
  outOfRange: (setting: string, raw: string, range: string) =>
    error('TL2015', `\`${setting}\` must be ${range}, not ${raw}`),
  unknownValue: (option: string, word: string, allowed: readonly string[], suggestion: string | undefined) =>
    error('TL2016', `unknown ${option} \`${word}\``, suggest(suggestion) ?? `use ${orList(allowed)}`),
  unfreezeOutsideFineTune: () =>
    error('TL2017', '`unfreeze` belongs in `fine tune { }`', 'move it to the second stage; `train` uses the `freeze` of `use`'),
  fineTuneWithoutFrozen: () =>
    error(
      'TL2018',
      '`fine tune` has nothing to unfreeze: stage 1 trains the whole backbone',
      'freeze the backbone in stage 1: `use … freeze all` or `freeze until blockN`',
    ),
  unfreezeNothing: (unfreeze: string, freeze: string) =>
    error(
      'TL2020',
      `\`unfreeze from ${unfreeze}\` unfreezes nothing: stage 1 already trains everything after \`${freeze}\``,
      `unfreeze from \`${freeze}\` or an earlier block`,
    ),
  alphaNotAccepted: (model: string) =>
    error('TL2021', `${model} takes no \`alpha\``, 'remove `alpha`; only the MobileNet family has width multipliers'),
  alphaNotAvailable: (alpha: string, model: string, alphas: readonly number[]) =>
    error('TL2022', `${model} has no alpha ${alpha}`, `use one of ${alphas.join(', ')}`),
  activationMismatch: (activation: string, units: number, better: string) =>
    warning(
      'TL2023',
      `\`${activation}\` output with ${units} unit${units === 1 ? '' : 's'}`,
      `use \`${better}\`: sigmoid for one unit (two classes), softmax for two or more`,
      activation === 'sigmoid'
        ? ['a sigmoid over several classes is a multi-label head: give each image its labels in a CSV file with `labels "labels.csv"` in `data` (class folders give each image exactly one)']
        : undefined,
    ),
  headWithoutOutput: () =>
    error('TL2024', 'the head does not end with a `dense` layer', 'end the head with the output layer, e.g. `dense 2 softmax`'),
  noImagenetWeights: (model: string, options: string) =>
    error('TL2025', `Keras publishes no ImageNet weights for ${model}${options}`, 'change the options, or use `weights none`'),
  optimizerClause: (optimizer: string, clause: string, accepted: readonly string[], owners: readonly string[]) =>
    error(
      'TL2026',
      `\`${optimizer}\` has no \`${clause}\``,
      `remove \`${clause}\`, or use ${orList(owners)}`,
      [`\`optimizer ${optimizer}\` takes ${orList(accepted).replace(/ or (?=[^ ]*$)/, ' and ')}`],
    ),
  normalizeWithPretrained: (model: string, native: string, described: string, file: string | undefined) =>
    (file === undefined ? warning : info)(
      'TL2027',
      file === undefined
        ? `\`preprocess normalize\` differs from the preprocessing ${model}'s ImageNet weights were trained on (${native})`
        : `\`preprocess normalize\` differs from ${model}'s own preprocessing (${native}): if "${file}" holds its ImageNet weights, its filters expect that`,
      'use `preprocess native`, which is exactly the preprocessing those weights were trained on',
      [`${model}'s own preprocessing is ${described}`],
    ),
  missingFolder: (role: string, path: string, isFile: boolean, byClass: boolean) =>
    error(
      'TL2028',
      isFile ? `${role} "${path}" is a file, not a folder` : `${role} "${path}" does not exist`,
      `${isFile ? 'give the folder that holds' : 'create it with'} ${byClass ? 'one sub-folder of images per class' : 'the images'}, or correct the path`,
      ["paths are relative to the .tl file's folder"],
    ),
  missingWeightsFile: (path: string, isFolder: boolean, mayBeExported: boolean) =>
    (mayBeExported ? warning : error)(
      'TL2029',
      isFolder
        ? `weights file "${path}" is a folder`
        : mayBeExported
          ? `weights file "${path}" does not exist yet`
          : `weights file "${path}" does not exist`,
      isFolder
        ? `name the file inside it: "${path.replace(/[\\/]+$/, '')}/model.json" for a model tlc exported`
        : mayBeExported
          ? 'run the pipeline whose `export` writes it first'
          : 'put the Keras `.h5` file there, correct the path, or use `weights imagenet`',
      ["paths are relative to the .tl file's folder"],
    ),
  unknownClassWeight: (name: string, folder: string, classes: readonly string[], suggestion: string | undefined) =>
    error(
      'TL2030',
      `\`class weights\` names \`${name}\`, which is not a class of "${folder}"`,
      suggest(suggestion) ?? 'name a class folder of the data, or remove the weight',
      [`the classes are the sub-folders of the data folder: ${classes.length > 12 ? `${classes.slice(0, 12).join(', ')} … (${classes.length})` : classes.join(', ')}`],
    ),
  scheduleClause: (schedule: string, clause: string, accepted: readonly string[], owners: readonly string[]) =>
    error(
      'TL2031',
      `\`schedule ${schedule}\` has no \`${clause}\``,
      `remove \`${clause}\`, or use \`schedule ${owners.join('` or `schedule ')}\``,
      [`\`schedule ${schedule}\` takes ${accepted.length ? orList(accepted).replace(/ or (?=[^ ]*$)/, ' and ') : 'no clauses'}`],
    ),
  warmupTooLong: (warmup: number, epochs: number, stage: string) =>
    error(
      'TL2032',
      `a warm-up of ${warmup} epoch${warmup === 1 ? '' : 's'} leaves no epoch of the ${epochs}-epoch \`${stage}\` stage for the cosine decay`,
      `make the warm-up shorter than ${epochs} epoch${epochs === 1 ? '' : 's'}, or raise \`epochs\``,
    ),
  oneCycleBelowLr: (maxLr: string, lr: number, stage: string) =>
    error(
      'TL2033',
      `\`max lr ${maxLr}\` is below the \`${stage}\` stage's learning rate ${lr}, where the cycle starts`,
      `give a \`max lr\` above ${lr}, or drop \`max lr\` to peak at the stage's lr (the cycle then starts at lr / 25)`,
    ),
  scheduleWithPlateau: () =>
    error(
      'TL2034',
      '`schedule` and `reduce lr on plateau` both set the learning rate of this stage',
      'keep one of them: a schedule fixes the rate in advance, `reduce lr on plateau` lowers it when the monitored value stalls',
    ),
  stepNeverSteps: (every: number, epochs: number, stage: string) =>
    warning(
      'TL2035',
      `\`every ${every} epochs\` never reaches a step in the ${epochs}-epoch \`${stage}\` stage: the learning rate stays constant`,
      `step every fewer than ${epochs} epochs, or raise \`epochs\``,
    ),
  mixWithoutSingleLabel: (setting: string, why: string) =>
    error(
      'TL2043',
      `\`${setting}\` mixes two images' labels into one target, which needs a single-label head; ${why}`,
      `use a softmax output (\`dense N softmax\`, the default) with categorical cross-entropy, or remove \`${setting}\``,
      ['mixup and cutmix train towards λ·(one label) + (1 − λ)·(another): a distribution over classes, as a softmax predicts'],
    ),
  shiftBothAndOne: (axis: string) =>
    error(
      'TL2044',
      `\`shift ${axis}\` and \`shift\` (both axes) both set the ${axis === 'width' ? 'horizontal' : 'vertical'} shift`,
      'give each axis its own line (`shift width 0.1` and `shift height 0.2`), or one `shift` for both',
    ),
  fillValueWithoutConstant: (mode: string) =>
    error(
      'TL2045',
      `\`fill ${mode}\` takes no value: only \`fill constant\` fills with one`,
      `write \`fill constant V\` to fill with the value V (0..255), or remove the value`,
    ),
  randomCropPadded: () =>
    warning(
      'TL2046',
      '`random crop` cuts its windows from the images as `resize pad` makes them: fitted on black, so many windows are mostly the black bars',
      'use `resize stretch` (the default) or `resize crop` with `random crop`; `resize pad` still suits validation and predict when random crop is off',
      ['the training images are decoded larger for the windows by the data\'s `resize` mode; validation and predict are never cropped'],
    ),
  halfPrecision: (word: string) =>
    error(
      'TL2061',
      `\`precision ${word}\` asks for float16, whose narrow range needs loss scaling, which tlc does not do`,
      'write `precision bf16`: bfloat16 has float32\'s range, so it trains without loss scaling (PyTorch autocast on a GPU with bf16, Ampere or newer)',
    ),
  bf16OnTorchOnly: () =>
    info(
      'TL2062',
      '`precision bf16` computes in bfloat16 only on the torch engine (`tlc run --engine torch`); the tfjs engine, the default, trains this stage in float32 and says so',
      undefined,
      ['bfloat16 pays on a GPU with bf16 support (NVIDIA Ampere or newer); on a CPU PyTorch runs it too, often no faster'],
    ),
  layerIndexBeyondModel: (clause: string, raw: string, model: string, count: number) =>
    error(
      'TL2039',
      `\`${clause} layer ${raw}\` is not a layer index of ${model}, which has ${count} layers (0 … ${count - 1})`,
      clause === 'freeze until'
        ? `freeze until a whole number from 1 to ${count} (\`layer ${count}\` freezes them all, like Keras's layers[:${count}])`
        : `unfreeze from a whole number from 0 to ${count - 1}`,
      ['`tlc models MODEL --layers` lists every layer with its index'],
    ),
  unfreezeNothingNew: (unfreeze: string, previous: string, previousFrom: string | null) =>
    error(
      'TL2040',
      previousFrom === null
        ? `\`${unfreeze}\` unfreezes nothing: the stage before it (\`${previous}\`) already trains the whole backbone`
        : `\`${unfreeze}\` unfreezes nothing: the stage before it (\`${previous}\`) already trains everything from \`${previousFrom}\``,
      previousFrom === null
        ? 'unfreeze gradually: give the earlier stage `unfreeze from B`, or remove this `unfreeze` to keep training the same layers'
        : `unfreeze from a block before \`${previousFrom}\`, or remove \`unfreeze\` to train the whole backbone`,
    ),
  rateOnFrozen: (range: string, stage: string, trained: string | null) =>
    error(
      'TL2036',
      trained === null
        ? `\`${range}\`: the \`${stage}\` stage trains no backbone layer, so no layer would learn at this rate`
        : `\`${range}\` covers layers the \`${stage}\` stage keeps frozen: it trains only ${trained}`,
      trained === null
        ? 'unfreeze part of the backbone in this stage (`unfreeze from B`), or remove the rate'
        : 'start the range where the stage\'s training starts or later, or unfreeze from an earlier block',
    ),
  rangeReversed: (from: string, to: string) =>
    error('TL2037', `the range \`${from}..${to}\` runs backwards: \`${from}\` comes after \`${to}\``, `write it in network order: \`${to}..${from}\``),
  rangesOverlap: (range: string, other: string) =>
    error(
      'TL2037',
      `\`${range}\` overlaps \`${other}\`: a layer can learn at one rate only`,
      'give each block one rate; `lr A .. B` already spreads rates over every trained block, so it takes no `lr … for` beside it',
    ),
  spreadReversed: (low: string, high: string) =>
    error(
      'TL2038',
      `\`lr ${low} .. ${high}\` runs from a higher rate to a lower one`,
      `write the first trainable block's rate first and the head's last, as fastai's slice(${high}, ${low}): \`lr ${high} .. ${low}\``,
    ),
  batchNormWithoutPretrained: (mode: string) =>
    warning(
      'TL2041',
      `\`batch norm ${mode}\` with \`weights none\`: nothing is pretrained, so BatchNormalization has no learned statistics to keep`,
      'remove `batch norm`: with random weights every BatchNormalization layer trains, as in Keras',
      mode === 'frozen' ? ['frozen, the layers would normalise with their initial statistics (mean 0, variance 1) throughout'] : undefined,
    ),
  duplicateStageName: (name: string) =>
    error('TL2042', `two stages are named "${name}"`, 'give each `fine tune` its own name: metrics.csv, the log and the report tell the stages apart by it'),
  unusableStageName: (name: string) =>
    error(
      'TL2042',
      `"${name}" cannot name a stage`,
      'use letters, digits, spaces, `-`, `_` and `.`, starting with a letter or digit (it names the stage in metrics.csv, the report and file names)',
    ),
  patienceOutlastsStage: (setting: 'reduce lr on plateau' | 'early stop', patience: number, epochs: number, stage: string) =>
    warning(
      'TL2051',
      setting === 'reduce lr on plateau'
        ? `\`reduce lr on plateau\` with patience ${patience} never lowers the rate in the ${epochs}-epoch \`${stage}\` stage: the first epoch sets the best value, so the earliest reduction comes after epoch ${patience + 1} and would apply from epoch ${patience + 2}`
        : `\`early stop\` with patience ${patience} never stops the ${epochs}-epoch \`${stage}\` stage early: the first epoch sets the best value, so the earliest stop comes after epoch ${patience + 1}`,
      epochs >= 3 ? `use \`patience ${epochs - 2}\` or less, or raise \`epochs\` above ${patience + 1}` : `raise \`epochs\` above ${patience + 1}`,
      setting === 'reduce lr on plateau'
        ? [`without \`patience\`, Keras's ReduceLROnPlateau waits 10 epochs`]
        : ['the best epoch\'s weights are kept with or without `early stop`'],
    ),
  batchNormTrainChangesNothing: (stage: string) =>
    warning(
      'TL2052',
      `\`batch norm train\` changes nothing: no stage from \`${stage}\` on trains a layer of the backbone, so none of its BatchNormalization layers trains`,
      'unfreeze part of the backbone (`freeze until B` in `use`, or `unfreeze from B` in a `fine tune`), or remove `batch norm train`',
      ['`batch norm` is about the backbone\'s BatchNormalization layers where they are unfrozen; a `batchnorm` layer in the head always trains'],
    ),
  earlyStopBeforePlateau: (earlyPatience: number, plateauPatience: number, monitor: string) =>
    warning(
      'TL2053',
      `\`early stop\` (patience ${earlyPatience}) ends the stage before \`reduce lr on plateau\` (patience ${plateauPatience}) can lower the rate: both watch ${monitor}, and early stopping gives up first`,
      `give \`early stop\` a longer patience than the plateau's (e.g. \`early stop patience ${plateauPatience + 2}\`), or \`reduce lr on plateau patience ${Math.max(1, earlyPatience - 1)}\``,
      ['Keras users pair them so: ReduceLROnPlateau lowers the rate first, EarlyStopping stops once the lower rate has not helped either'],
    ),
  ttaFlipsUnseen: () =>
    warning(
      'TL2050',
      '`tta flips` mirrors each image left to right, but training flips only upside down (`flip vertical`): the model never sees left-right mirror images',
      'if mirror images are images of the same class, add `horizontal` to the flip (`flip horizontal vertical`); if left and right matter, drop `tta flips`',
      ['Keras\'s vertical_flip turns images upside down; its horizontal_flip is the left-right mirror that `tta flips` averages over'],
    ),
  labelsFileMissing: (path: string, dataFolder: string, isFolder: boolean) =>
    error(
      'TL2054',
      isFolder ? `labels file "${path}" is a folder` : `labels file "${path}" does not exist in the data folder "${dataFolder}"`,
      'give a CSV file with a header row, the image path in the first column and its labels in the second (separated by spaces, or by the `separator` given)',
      ['the labels file\'s path is relative to the data folder, as the image paths inside it are'],
    ),
  labelsWithFolder: (role: string) =>
    error(
      'TL2055',
      `a \`labels\` file lists the training images, but the ${role} is read as class folders`,
      role === 'validation folder'
        ? 'hold out validation images from the labels file with `validation 20%` (seeded, as for class folders)'
        : 'evaluate on the validation images (`evaluate validation`), held out from the labels file',
    ),
  multiLabelClassWeights: () =>
    error(
      'TL2056',
      '`class weights` with a sigmoid head over several classes: each image may have several labels, so no class weights it',
      'remove `class weights`; a multi-label head trains each class as its own yes/no question',
    ),
  thresholdWithoutMultiLabel: () =>
    warning(
      'TL2057',
      '`threshold` has no effect: the head is not a sigmoid over several classes (multi-label)',
      'a single-label head predicts the most probable class; remove `threshold`, or end the head with `dense N sigmoid`',
    ),
  emptySeparator: () =>
    error(
      'TL2067',
      '`separator ""` is empty: nothing would separate two labels',
      'leave `separator` out for labels separated by spaces (the default), or give the text between two labels, e.g. `separator ";"`',
    ),
  csvSeparator: (shown: string) =>
    error(
      'TL2068',
      `\`separator ${shown}\` is part of the CSV's own syntax: the file's columns are separated by commas, its fields quoted with \`"\` and its rows end at line breaks`,
      'separate labels with another character, e.g. `separator ";"` or `separator "|"`',
      ['a comma between labels would have to be quoted in every row; a row written without quotes would put its later labels in other columns, which tlc ignores'],
    ),
  separatorLooksWrong: (shown: string, suggestion: string, why: 'name' | 'padded') =>
    warning(
      'TL2069',
      why === 'name'
        ? `\`separator ${shown}\` separates labels at the text ${shown}, not at the character it names`
        : `\`separator ${shown}\` has spaces around it: labels are trimmed of spaces anyway, and a row without those spaces (\`cat${suggestion.slice(1, -1)}dog\`) would not be split`,
      `did you mean \`separator ${suggestion}\`?`,
    ),
  thresholdRange: (value: number) =>
    error('TL2058', `threshold ${value} is outside 0..1 (exclusive)`, 'a class is predicted when its probability reaches the threshold: use e.g. `threshold 0.5`'),
} satisfies Record<string, (...args: never[]) => Message>;
