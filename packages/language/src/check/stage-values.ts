// The epochs and learning rate a stage will run with, as the compiler lowers them
// (compile/stages.ts): what rules about schedules compare against.
import type { StageStatement } from '../ast/nodes';
import { DEFAULT_EPOCHS, DEFAULT_OPTIMIZER, FINE_TUNE_LR_DIVISOR, OPTIMIZER_DEFAULTS } from '../compile/defaults';
import { settingOf } from '../compile/select';
import type { CheckContext } from './context';

/** The stage's name as the user writes it. */
export function stageWord(stage: StageStatement): string {
  return stage.stage === 'train' ? 'train' : 'fine tune';
}

export function stageEpochs(stage: StageStatement, context: CheckContext): number {
  const own = settingOf(stage.settings, 'Epochs')?.count?.value;
  if (own !== undefined) return own;
  if (stage.stage === 'fineTune' && context.train) return settingOf(context.train.settings, 'Epochs')?.count?.value ?? DEFAULT_EPOCHS;
  return DEFAULT_EPOCHS;
}

function ownLearningRate(stage: StageStatement): number | undefined {
  return settingOf(stage.settings, 'LearningRate')?.value?.value ?? settingOf(stage.settings, 'Optimizer')?.lr?.value;
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
  return ownLearningRate(stage) ?? Number((trainLearningRate(context.train) / FINE_TUNE_LR_DIVISOR).toPrecision(12));
}

/** Every `train` and `fine tune` statement of the program. */
export function stagesOf(context: CheckContext): StageStatement[] {
  return context.program.statements.filter((s): s is StageStatement => s.kind === 'Stage');
}
