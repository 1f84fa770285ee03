// What every checker rule reads: the program, its statements by kind, the backbone's catalog
// entry (when `use` names a known model), and helpers for freeze points. Built once per check.
import { findModel, modelLayers, type ModelEntry } from '@tlc/zoo/catalog';
import type {
  AugmentStatement,
  DataStatement,
  HeadStatement,
  ImageSetting,
  LayerIndex,
  LayerRef,
  PreprocessStatement,
  Program,
  Span,
  StageStatement,
  Statement,
  UseStatement,
} from '../ast/nodes';
import type { FileSystemView } from './files';

export interface CheckContext {
  program: Program;
  use?: UseStatement;
  /** The backbone's catalog entry; undefined when `use` is missing or names no known model. */
  model?: ModelEntry;
  /** The backbone's Keras layer names in order, when the zoo has generated them. */
  layers?: string[];
  data?: DataStatement;
  image?: ImageSetting;
  augment?: AugmentStatement;
  preprocess?: PreprocessStatement;
  head?: HeadStatement;
  train?: StageStatement;
  /** The first `fine tune` (stage 2). */
  fineTune?: StageStatement;
  /** Every `fine tune`, in source order: stages 2, 3, … */
  fineTunes: StageStatement[];
  /** The stages in the order they train: `train` (wherever it is written), then each `fine tune`. */
  stages: StageStatement[];
  /** Whether the backbone starts from trained weights (`imagenet`, a file, or the default). */
  pretrained: boolean;
  /** Whether the trained weights come from a file (`weights "…"`), whose training tlc cannot know. */
  weightsFromFile: boolean;
  /** Whether stage 1 freezes part or all of the backbone (explicitly or by default). */
  frozen: boolean;
  /** The file system seen from the .tl file's folder, when the caller knows it. */
  files?: FileSystemView;
}

/** Where a freeze point sits in the backbone, comparable only with points of the same scale. */
export interface PointPosition {
  scale: 'layer' | 'block';
  index: number;
}

function first<K extends Statement['kind']>(program: Program, kind: K): Extract<Statement, { kind: K }> | undefined {
  return program.statements.find((s) => s.kind === kind) as Extract<Statement, { kind: K }> | undefined;
}

export function createContext(program: Program, files?: FileSystemView): CheckContext {
  const use = first(program, 'Use');
  const model = use?.model ? findModel(use.model.name) : undefined;
  const data = first(program, 'Data');
  const stages = program.statements.filter((s): s is StageStatement => s.kind === 'Stage');
  const weights = use?.weights?.source;
  const pretrained = !(weights?.kind === 'Identifier' && weights.name === 'none');
  const freezeMode = use?.freeze?.mode;
  return {
    program,
    use,
    model,
    layers: model ? modelLayers(model.name) : undefined,
    data,
    image: data?.settings.find((s): s is ImageSetting => s.kind === 'Image'),
    augment: first(program, 'Augment'),
    preprocess: first(program, 'Preprocess'),
    head: first(program, 'Head'),
    train: stages.find((s) => s.stage === 'train'),
    fineTune: stages.find((s) => s.stage === 'fineTune'),
    fineTunes: stages.filter((s) => s.stage === 'fineTune'),
    stages: [...stages.filter((s) => s.stage === 'train').slice(0, 1), ...stages.filter((s) => s.stage === 'fineTune')],
    pretrained,
    weightsFromFile: weights?.kind === 'String',
    // Without `freeze`, pretrained weights make a feature extractor (Keras's transfer-learning
    // recipe, and the compiler's default); random weights train everything.
    frozen: freezeMode === 'all' || freezeMode === 'until' || (freezeMode === undefined && !use?.freeze && pretrained),
    ...(files ? { files } : {}),
  };
}

const STATEMENT_KEYWORD: Record<Statement['kind'], string> = {
  Pipeline: 'pipeline',
  Data: 'data',
  Augment: 'augment',
  Use: 'use',
  Preprocess: 'preprocess',
  Head: 'head',
  Stage: 'train',
  Evaluate: 'evaluate',
  Export: 'export',
  Predict: 'predict',
};

/** The keyword(s) a statement starts with: `use`, `fine tune`, … */
export function statementKeyword(statement: Statement): string {
  return statement.kind === 'Stage' && statement.stage === 'fineTune' ? 'fine tune' : STATEMENT_KEYWORD[statement.kind];
}

/** The span of a statement's leading keyword(s), for diagnostics about the whole statement. */
export function keywordSpan(node: { span: Span }, keyword: string): Span {
  // Never past the node: a recovered `fine` without `tune` is shorter than `fine tune`.
  return { start: node.span.start, end: Math.min(node.span.end, node.span.start + keyword.length) };
}

/** A block alias or layer name as the user wrote it: `block4`, `"conv4_block6_out"`. */
export function pointText(ref: LayerRef): string {
  if (ref.kind === 'LayerIndex') return `layer ${ref.index?.raw ?? ''}`.trimEnd();
  return ref.kind === 'Identifier' ? ref.name : `"${ref.value}"`;
}

/**
 * The layer count a `layer N` point may reach, and whether N is one: `freeze until layer N`
 * takes 1 … the count (layers[:N]), `unfreeze from layer N` 0 … the count − 1. Undefined when
 * the model's layer list is unknown.
 */
export function layerIndexFits(context: CheckContext, ref: LayerIndex, clause: 'freeze until' | 'unfreeze from'): boolean | undefined {
  const count = context.layers?.length;
  if (count === undefined || !ref.index) return undefined;
  const n = ref.index.value;
  const [low, high] = clause === 'freeze until' ? [1, count] : [0, count - 1];
  return Number.isInteger(n) && n >= low && n <= high;
}

/**
 * The position of a freeze point in the backbone: by layer index when the layer list is known,
 * else by block index for block aliases. A block alias stands for its last layer (`freeze until`,
 * `cut after`) or, with edge 'start', for its first (`unfreeze from`). Undefined for points the
 * model does not have.
 */
export function pointPosition(context: CheckContext, ref: LayerRef, edge: 'start' | 'end' = 'end'): PointPosition | undefined {
  const model = context.model;
  if (!model) return undefined;
  if (ref.kind === 'LayerIndex') {
    // `layer N` sits between layers N−1 and N: it ends at N−1 and starts at N.
    if (!context.layers || !ref.index || !Number.isInteger(ref.index.value)) return undefined;
    const index = edge === 'start' ? ref.index.value : ref.index.value - 1;
    // An index the model does not have is TL2039's alone.
    return index >= 0 && index < context.layers.length ? { scale: 'layer', index } : undefined;
  }
  const blockIndex = ref.kind === 'Identifier' ? model.blocks.findIndex((b) => b.name === ref.name) : -1;
  if (ref.kind === 'Identifier' && blockIndex < 0) return undefined;
  if (context.layers) {
    if (ref.kind === 'String') {
      const index = context.layers.indexOf(ref.value);
      return index < 0 ? undefined : { scale: 'layer', index };
    }
    if (edge === 'start') {
      const previous = blockIndex === 0 ? -1 : context.layers.indexOf(model.blocks[blockIndex - 1].layer);
      return { scale: 'layer', index: previous + 1 };
    }
    const index = context.layers.indexOf(model.blocks[blockIndex].layer);
    return index < 0 ? undefined : { scale: 'layer', index };
  }
  return ref.kind === 'Identifier' ? { scale: 'block', index: blockIndex } : undefined;
}

/** Negative when position `a` comes before position `b`; undefined when they cannot be compared. */
export function comparePositions(a: PointPosition | undefined, b: PointPosition | undefined): number | undefined {
  if (!a || !b || a.scale !== b.scale) return undefined;
  return a.index - b.index;
}
