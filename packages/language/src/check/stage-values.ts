// The epochs and learning rate a stage will run with, as the compiler lowers them
// (compile/stages.ts): what rules about schedules compare against.
import type { EarlyStopSetting, StageStatement } from '../ast/nodes';
import { DEFAULT_EPOCHS, DEFAULT_OPTIMIZER, FINE_TUNE_LR_DIVISOR, OPTIMIZER_DEFAULTS } from '../compile/defaults';
import { settingOf } from '../compile/select';
import { mayHaveMeant } from './settled';
import { pointPosition, pointText, type CheckContext, type PointPosition } from './context';

/** The stage's name as the user writes it. */
export function stageWord(stage: StageStatement): string {
  return stage.stage === 'train' ? 'train' : stage.name ? `fine tune "${stage.name.value}"` : 'fine tune';
}

/** The stage a `fine tune` starts from and inherits from: the one before it (undefined for stage 1, or a `train` left implicit). */
export function previousStage(stage: StageStatement, context: CheckContext): StageStatement | undefined {
  if (stage.stage === 'train') return undefined;
  const index = context.fineTunes.indexOf(stage);
  return index > 0 ? context.fineTunes[index - 1] : context.train;
}

/**
 * The stage's epochs, or undefined when they are not known: the stage (or the one it inherits
 * from) has no `epochs` but a syntax error in its block, which may be a misspelt `epochs`
 * (settled.ts): rules then say nothing rather than judge the default.
 */
export function stageEpochs(stage: StageStatement, context: CheckContext): number | undefined {
  const own = settingOf(stage.settings, 'Epochs')?.count?.value;
  if (own !== undefined) return own;
  if (mayHaveMeant(stage, 'Epochs')) return undefined;
  const previous = previousStage(stage, context);
  return previous ? stageEpochs(previous, context) : DEFAULT_EPOCHS;
}

/** Characters a stage name may have: it names the stage in metrics.csv, the report and file names. */
export const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]*$/;

/**
 * Each stage's name in the plan, in training order: `train`; a named `fine tune` its name; an
 * unnamed one `fine-tune` (the first) or `fine-tune-K` (the K-th `fine tune`).
 */
export function stageNames(stages: readonly StageStatement[]): string[] {
  let fineTunes = 0;
  return stages.map((stage) => {
    if (stage.stage === 'train') return 'train';
    fineTunes++;
    return stage.name?.value ?? (fineTunes === 1 ? 'fine-tune' : `fine-tune-${fineTunes}`);
  });
}

/** The stage's own rate: `lr X`, the head's B of `lr A .. B` (as compile/stages.ts reads it), or the optimizer's `lr`. */
function ownLearningRate(stage: StageStatement): number | undefined {
  const lr = settingOf(stage.settings, 'LearningRate');
  return lr?.to?.value ?? lr?.value?.value ?? settingOf(stage.settings, 'Optimizer')?.lr?.value;
}

function trainLearningRate(train: StageStatement | undefined): number {
  const own = train && ownLearningRate(train);
  if (own !== undefined) return own;
  const name = train && settingOf(train.settings, 'Optimizer')?.name?.name;
  const optimizer = name && name in OPTIMIZER_DEFAULTS ? (name as keyof typeof OPTIMIZER_DEFAULTS) : DEFAULT_OPTIMIZER;
  return OPTIMIZER_DEFAULTS[optimizer].learningRate;
}

export function stageLearningRate(stage: StageStatement, context: CheckContext): number {
  if (stage.stage === 'train') return trainLearningRate(stage);
  const own = ownLearningRate(stage);
  if (own !== undefined) return own;
  const previous = previousStage(stage, context);
  const inherited = previous ? stageLearningRate(previous, context) : trainLearningRate(undefined);
  return Number((inherited / FINE_TUNE_LR_DIVISOR).toPrecision(12));
}

/** The `early stop` a stage runs with: its own, else the one it inherits from the stage before it (compile/stages.ts). */
export function stageEarlyStop(stage: StageStatement, context: CheckContext): EarlyStopSetting | undefined {
  const own = settingOf(stage.settings, 'EarlyStop');
  if (own) return own;
  // A syntax error in the block may be this stage's own (misspelt) `early stop`: no inheriting then.
  if (mayHaveMeant(stage, 'EarlyStop')) return undefined;
  const previous = previousStage(stage, context);
  return previous ? stageEarlyStop(previous, context) : undefined;
}

/** Every `train` and `fine tune` statement of the program. */
export function stagesOf(context: CheckContext): StageStatement[] {
  return context.program.statements.filter((s): s is StageStatement => s.kind === 'Stage');
}

/**
 * Where the backbone a stage trains starts: `none` when it trains no backbone layer, `all` when it
 * trains all of it, else the position of its first trained layer (layer scale when the layer
 * list is known, else block scale) and how to say it. Undefined when it cannot be told.
 */
export type TrainedFrom = 'none' | 'all' | { position: PointPosition; text: string } | undefined;

export function trainedFrom(stage: StageStatement, context: CheckContext): TrainedFrom {
  if (stage.stage === 'train') {
    const freeze = context.use?.freeze;
    if (!context.frozen) return 'all';
    if (freeze?.mode !== 'until' || !freeze.until) return 'none';
    const end = pointPosition(context, freeze.until, 'end');
    return end && { position: { scale: end.scale, index: end.index + 1 }, text: `the layers after \`${pointText(freeze.until)}\`` };
  }
  const unfreeze = settingOf(stage.settings, 'Unfreeze');
  if (!unfreeze?.from) return 'all';
  const previous = previousStage(stage, context);
  const before: TrainedFrom = previous ? trainedFrom(previous, context) : context.frozen ? 'none' : 'all';
  if (before === 'all' || before === undefined) return before;
  const start = pointPosition(context, unfreeze.from, 'start');
  if (!start) return undefined;
  const own = { position: start, text: `\`${pointText(unfreeze.from)}\` and after` };
  if (before === 'none' || before.position.scale !== start.scale) return own;
  return before.position.index < start.index ? before : own;
}
