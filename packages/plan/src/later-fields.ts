// Fields that plan version 1 gained after its first release, each with the value that keeps an
// older plan's meaning. validatePlan fills in the ones a plan lacks (on a copy) before checking
// the schema, so a plan.json written by an earlier tlc — a run folder to `--resume`, an exported
// model to `tlc predict` — still validates and runs as it did. A field whose absence would change
// what a plan means does not belong here: that needs a new plan version.
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Per stage: no label smoothing, the optimizer's rate throughout, float32, one rate for every layer. */
const STAGE_FIELDS: Json = { labelSmoothing: 0, schedule: { kind: 'constant' }, precision: 'float32', layerLearningRates: [] };
/** evaluate: no test-time augmentation, multi-label threshold 0.5. */
const EVALUATE_FIELDS: Json = { tta: 'none', threshold: 0.5 };
/** data: class folders, no labels file; images stretched to the model's size (the only way there was). */
const DATA_FIELDS: Json = { labels: null, resize: 'stretch' };
/** data.labels: the first two columns, labels separated by spaces. */
const LABELS_FIELDS: Json = { fileColumn: 0, labelColumn: 1, separator: ' ' };
/** data.augment: no channel shift, edge pixels outside the image (the only fill there was), no mixing, no random crop. */
const AUGMENT_FIELDS: Json = { channelShift: 0, fill: { mode: 'nearest', value: 0 }, mixup: 0, cutmix: 0, randomCrop: null };

export function withLaterFields(plan: Json): Json {
  const filled = structuredClone(plan);
  if (Array.isArray(filled.stages)) filled.stages.forEach((stage) => fill(stage, STAGE_FIELDS));
  fill(filled.evaluate, EVALUATE_FIELDS);
  fill(filled.data, DATA_FIELDS);
  if (isObject(filled.data)) fill(filled.data.labels, LABELS_FIELDS);
  if (isObject(filled.data) && isObject(filled.data.augment)) {
    const augment = filled.data.augment;
    fill(augment, AUGMENT_FIELDS);
    // Before uneven zoom ranges, `zoom` was one number z meaning Keras's [1 - z, 1 + z].
    if (typeof augment.zoom === 'number') augment.zoom = [1 - augment.zoom, 1 + augment.zoom];
  }
  return filled;
}

function fill(target: unknown, fields: Json): void {
  if (!isObject(target)) return;
  for (const [key, value] of Object.entries(fields)) {
    if (!(key in target)) target[key] = structuredClone(value);
  }
}
