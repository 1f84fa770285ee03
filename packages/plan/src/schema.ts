// The plan's JSON Schema (draft 2020-12), written once as data. The type-level assertion at
// the bottom proves that it describes exactly the Plan types of ./types: change one without the
// other and `tsc` fails. plan.schema.json is this object, written out (a test keeps it equal).
import type { Plan } from './types';
import { PLAN_VERSION } from './types';
import type { SameType, SchemaType } from './schema-types';

// ---------------------------------------------------------------- building blocks

/** An object whose listed properties are all required and nothing else is allowed. */
function object<const P extends Record<string, unknown>>(properties: P) {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties) as (keyof P & string)[],
    additionalProperties: false,
  } as const;
}

/** The same schema, also accepting null. */
function nullable<const S extends { type: string }>(schema: S) {
  return { ...schema, type: [schema.type, 'null'] } as Omit<S, 'type'> & { type: readonly [S['type'], 'null'] };
}

/** One of several object shapes, told apart by the string property `tag`. */
function tagged<const T extends string, const V extends readonly unknown[]>(tag: T, variants: V) {
  const properties = { [tag]: { type: 'string' } };
  return { type: 'object', properties, required: [tag], discriminator: { propertyName: tag }, oneOf: variants } as const;
}

function oneOfStrings<const E extends readonly string[]>(...values: E) {
  return { type: 'string', enum: values } as const;
}

const name = { type: 'string', minLength: 1 } as const;
const path = { type: 'string', minLength: 1 } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;
const count = { type: 'integer', minimum: 1 } as const;
const seed = { type: 'integer', minimum: 0 } as const;
const layerNames = { type: 'array', items: name } as const;
const layerRef = object({ block: nullable(name), layer: name });

// ---------------------------------------------------------------- the plan

const weights = tagged('source', [
  object({
    source: { const: 'imagenet' },
    url: { type: 'string', pattern: '^https?://' },
    hash: nullable({ type: 'string', pattern: '^([0-9a-f]{32}|[0-9a-f]{64})$' }),
    hashAlgorithm: { type: ['string', 'null'], enum: ['md5', 'sha256', null] },
    fileName: name,
  }),
  object({ source: { const: 'none' } }),
  object({ source: { const: 'file' }, path, format: oneOfStrings('h5', 'tfjs') }),
]);

const model = object({
  architecture: name,
  family: name,
  alpha: nullable(positive),
  inputShape: {
    type: 'array',
    prefixItems: [count, count, { type: 'integer', minimum: 1, maximum: 3 }],
    items: false,
    minItems: 3,
  },
  weights,
  firstConvAdapt: nullable(object({ layer: name, method: oneOfStrings('sum', 'skip') })),
  cutAfter: nullable(layerRef),
  outputLayer: name,
  freeze: object({
    mode: oneOfStrings('all', 'none', 'until'),
    until: nullable(layerRef),
    layers: layerNames,
  }),
});

const channelValues = { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 } as const;

const preprocess = object({
  requested: oneOfStrings('native', 'rescale', 'none', 'normalize'),
  mode: oneOfStrings('caffe', 'tf', 'torch', 'builtin', 'rescale', 'normalize', 'none'),
  channelOrder: oneOfStrings('rgb', 'bgr'),
  scale: positive,
  mean: channelValues,
  std: { ...channelValues, items: positive },
});

const activation = oneOfStrings('relu', 'gelu', 'swish', 'elu', 'selu', 'tanh', 'sigmoid', 'softmax', 'linear');

const head = object({
  layers: {
    type: 'array',
    minItems: 1,
    items: tagged('type', [
      object({ type: { const: 'pool' }, pool: oneOfStrings('avg', 'max'), name }),
      object({ type: { const: 'flatten' }, name }),
      object({ type: { const: 'dropout' }, rate: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, name }),
      object({ type: { const: 'dense' }, units: count, activation, name }),
      object({ type: { const: 'batchnorm' }, name }),
    ]),
  },
  outputUnits: count,
  outputActivation: oneOfStrings('softmax', 'sigmoid', 'linear'),
});

/** A share of an image's area: (0, 1]. */
const areaFraction = { type: 'number', exclusiveMinimum: 0, maximum: 1 } as const;

const augment = object({
  rotation: nonNegative,
  zoom: { type: 'array', prefixItems: [positive, positive], items: false, minItems: 2 },
  shear: nonNegative,
  shiftWidth: nonNegative,
  shiftHeight: nonNegative,
  channelShift: { type: 'number', minimum: 0, maximum: 255 },
  fill: object({ mode: oneOfStrings('nearest', 'constant', 'reflect', 'wrap'), value: { type: 'number', minimum: 0, maximum: 255 } }),
  horizontalFlip: { type: 'boolean' },
  verticalFlip: { type: 'boolean' },
  brightness: nullable({ type: 'array', prefixItems: [nonNegative, nonNegative], items: false, minItems: 2 }),
  mixup: nonNegative,
  cutmix: nonNegative,
  randomCrop: nullable(object({
    scale: { type: 'array', prefixItems: [areaFraction, areaFraction], items: false, minItems: 2 },
    ratio: { type: 'array', prefixItems: [positive, positive], items: false, minItems: 2 },
  })),
  seed,
});

const batchSize = { oneOf: [count, { const: 'auto' }] } as const;

/** A labels file's column: its header name, or its position from 0. */
const labelsColumn = { oneOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 0 }] } as const;

/** What separates labels: not empty, and none of the CSV's own comma, quote or line break. */
const labelSeparator = {
  type: 'string',
  minLength: 1,
  pattern: '^[^,"\\r\\n]*$',
  description: 'text without a comma, a double quote or a line break (the labels file is a CSV, which uses them)',
} as const;

const data = object({
  directory: path,
  imageSize: { type: 'array', prefixItems: [count, count], items: false, minItems: 2 },
  colorMode: oneOfStrings('rgb', 'grayscale'),
  resize: oneOfStrings('stretch', 'crop', 'pad'),
  validation: tagged('mode', [
    object({ mode: { const: 'split' }, fraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, seed }),
    object({ mode: { const: 'directory' }, directory: path }),
    object({ mode: { const: 'none' } }),
  ]),
  batchSize: batchSize,
  shuffle: { type: 'boolean' },
  seed,
  onBadImage: oneOfStrings('fail', 'skip'),
  maxPixels: count,
  augment: nullable(augment),
  labels: nullable(object({ path, fileColumn: labelsColumn, labelColumn: labelsColumn, separator: labelSeparator })),
});

const optimizer = object({
  name: oneOfStrings('sgd', 'adam', 'adamw', 'rmsprop'),
  learningRate: positive,
  momentum: nullable(nonNegative),
  beta1: nullable({ type: 'number', minimum: 0, exclusiveMaximum: 1 }),
  beta2: nullable({ type: 'number', minimum: 0, exclusiveMaximum: 1 }),
  epsilon: nullable(positive),
  weightDecay: nullable(nonNegative),
});

const stage = object({
  name,
  epochs: count,
  batchSize: batchSize,
  optimizer,
  loss: oneOfStrings('categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy'),
  metrics: { type: 'array', items: name },
  labelSmoothing: { type: 'number', minimum: 0, maximum: 1 },
  precision: oneOfStrings('float32', 'bf16'),
  earlyStopping: nullable(
    object({
      monitor: oneOfStrings('val_loss', 'val_accuracy', 'loss', 'accuracy'),
      patience: { type: 'integer', minimum: 0 },
      minDelta: nonNegative,
      restoreBest: { type: 'boolean' },
    }),
  ),
  classWeights: tagged('mode', [
    object({ mode: { const: 'none' } }),
    object({ mode: { const: 'balanced' } }),
    object({ mode: { const: 'manual' }, weights: { type: 'object', additionalProperties: positive } }),
  ]),
  schedule: tagged('kind', [
    object({ kind: { const: 'constant' } }),
    object({ kind: { const: 'cosine' }, warmup: object({ count: { type: 'integer', minimum: 0 }, unit: oneOfStrings('epochs', 'steps') }) }),
    object({ kind: { const: 'one-cycle' }, startLearningRate: positive, maxLearningRate: positive }),
    object({ kind: { const: 'step' }, everyEpochs: count, factor: positive }),
    object({
      kind: { const: 'plateau' },
      monitor: oneOfStrings('val_loss', 'val_accuracy', 'loss', 'accuracy'),
      factor: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      patience: { type: 'integer', minimum: 0 },
      minDelta: nonNegative,
      cooldown: { type: 'integer', minimum: 0 },
      minLearningRate: nonNegative,
    }),
  ]),
  frozenLayers: layerNames,
  batchNormInference: { type: 'boolean' },
  layerLearningRates: {
    type: 'array',
    items: object({ blocks: { type: 'array', items: name }, layers: { ...layerNames, minItems: 1 }, learningRate: positive }),
  },
  checkpoint: object({ monitor: name, mode: oneOfStrings('min', 'max') }),
});

const notice = object({ code: { type: 'string', pattern: '^TL[0-9]{4}$' }, severity: oneOfStrings('warning', 'info'), message: name });

const planBody = object({
  version: { const: PLAN_VERSION },
  name,
  source: nullable(object({ file: path, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } })),
  model,
  preprocess,
  head,
  data: nullable(data),
  stages: { type: 'array', items: stage, minItems: 1 },
  evaluate: nullable(object({ on: oneOfStrings('validation', 'directory'), directory: nullable(path), tta: oneOfStrings('none', 'flips'), threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } })),
  export: nullable(object({ path, format: oneOfStrings('tfjs-layers', 'onnx') })),
  predict: nullable(object({ directory: path })),
  notes: { type: 'array', items: notice },
});

/** The plan's JSON Schema, as committed in plan.schema.json. */
export const PLAN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://tlc.invalid/plan.schema.json',
  title: 'tlc plan',
  description:
    'A compiled tlc pipeline: every decision explicit. Paths are relative to the folder of the plan file.',
  ...planBody,
};

// Compile-time proof that the schema and the Plan type agree (tsc reports an error otherwise).
const schemaMatchesTypes: SameType<SchemaType<typeof planBody>, Plan> = true;
void schemaMatchesTypes;
