// `train { }` and `fine tune { }` lowered to training stages with every hyperparameter filled in.
// Stage 1 uses Keras's defaults (adam, lr 1e-3) and tlc's (10 epochs, batch 32). Each `fine tune`
// (any number, in source order: gradual unfreezing) inherits every setting it does not give from
// the stage before it, except the learning rate (the first one's is stage 1's divided by 100; a
// later one keeps the rate of the fine-tuning before it) and the frozen
// layers (`unfreeze from B` trains B and everything after it, and what the stage before trained;
// without `unfreeze`, the whole backbone trains). A pipeline without `train` still trains once,
// with the defaults. A learning-rate schedule belongs to its stage: `fine tune` does not inherit
// stage 1's (its rate is a different one), and a stage without one keeps the rate constant.
import type { StageSetting, StageStatement } from '../ast/nodes';
import type { BatchSize, LayerLearningRatePlan, OptimizerPlan, SchedulePlan, StagePlan } from '@tlc/plan';
import {
  DEFAULT_EPOCHS,
  DEFAULT_METRICS,
  DEFAULT_MONITOR,
  DEFAULT_OPTIMIZER,
  DEFAULT_PATIENCE,
  FINE_TUNE_LR_DIVISOR,
  ONE_CYCLE_DIV,
  OPTIMIZER_DEFAULTS,
  PLATEAU_DEFAULTS,
} from './defaults';
import { firstTrainedIndex, resolvePoint, type Backbone } from './layers';
import { batchSizeOf, settingOf } from './select';
import { stageNames } from '../check/stage-values';

export interface StageContext {
  backbone: Backbone;
  /** The backbone layers frozen by `use … freeze`. */
  frozenLayers: readonly string[];
  /** From the data statement, or the default. */
  batchSize: BatchSize;
  /** Loss that fits the head's output activation. */
  defaultLoss: StagePlan['loss'];
  /** BatchNormalization in inference mode: for pretrained backbones (`batch norm` sets it). */
  batchNormInference: boolean;
  /** The backbone's layers after any cut: what blocks and discriminative rates can cover. */
  keptLayers: readonly string[];
}

export function lowerStages(train: StageStatement | undefined, fineTunes: readonly StageStatement[], context: StageContext): StagePlan[] {
  const names = stageNames([...(train ? [train] : []), ...fineTunes]).slice(train ? 1 : 0);
  const stages = [lowerStage('train', train?.settings ?? [], firstStageBase(context), context)];
  fineTunes.forEach((fineTune, i) => {
    stages.push(lowerStage(names[i], fineTune.settings, fineTuneBase(stages[stages.length - 1], i === 0, fineTune.settings, context), context));
  });
  return stages;
}

type Base = Omit<StagePlan, 'name' | 'checkpoint'>;

function firstStageBase(context: StageContext): Base {
  return {
    epochs: DEFAULT_EPOCHS,
    batchSize: context.batchSize,
    optimizer: { name: DEFAULT_OPTIMIZER, ...OPTIMIZER_DEFAULTS[DEFAULT_OPTIMIZER] },
    loss: context.defaultLoss,
    metrics: [...DEFAULT_METRICS],
    labelSmoothing: 0,
    precision: 'float32',
    earlyStopping: null,
    classWeights: { mode: 'none' },
    schedule: { kind: 'constant' },
    frozenLayers: [...context.frozenLayers],
    batchNormInference: context.batchNormInference,
    layerLearningRates: [],
  };
}

/**
 * What a `fine tune` starts from: the stage before it (`previous`). Only the first `fine tune`
 * divides the rate by 100 (from training a new head to touching pretrained layers); later ones,
 * gradual unfreezing, keep the rate of the fine-tuning before them, which would otherwise shrink
 * by 100 at every stage (1e-3, 1e-5, 1e-7, …).
 */
function fineTuneBase(previous: StagePlan, first: boolean, settings: readonly StageSetting[], context: StageContext): Base {
  const unfreeze = settingOf(settings, 'Unfreeze');
  let frozenLayers: string[] = [];
  if (unfreeze?.from) {
    const firstTrained = firstTrainedIndex(context.backbone, unfreeze.from);
    // Unfreezing never freezes: layers the stage before trained keep training.
    frozenLayers = previous.frozenLayers.filter((layer) => context.backbone.layers.indexOf(layer) < firstTrained);
  }
  const learningRate = first ? Number((previous.optimizer.learningRate / FINE_TUNE_LR_DIVISOR).toPrecision(12)) : previous.optimizer.learningRate;
  return { ...previous, optimizer: { ...previous.optimizer, learningRate }, frozenLayers };
}

function lowerStage(name: StagePlan['name'], settings: readonly StageSetting[], base: Base, context: StageContext): StagePlan {
  const earlyStop = settingOf(settings, 'EarlyStop');
  // The source always has validation data: a split (20% by default) or a folder.
  const earlyStopping: StagePlan['earlyStopping'] = earlyStop
    ? {
        monitor: (earlyStop.monitor?.name ?? DEFAULT_MONITOR) as NonNullable<StagePlan['earlyStopping']>['monitor'],
        patience: earlyStop.patience?.value ?? DEFAULT_PATIENCE,
        minDelta: 0,
        restoreBest: true,
      }
    : base.earlyStopping;
  const monitor = earlyStopping?.monitor ?? DEFAULT_MONITOR;
  const optimizer = lowerOptimizer(settings, base.optimizer, name !== 'train');
  const batchNorm = settingOf(settings, 'BatchNormMode')?.mode?.name;
  return {
    name,
    epochs: settingOf(settings, 'Epochs')?.count?.value ?? base.epochs,
    batchSize: batchSizeOf(settingOf(settings, 'StageBatch')) ?? base.batchSize,
    optimizer,
    loss: (settingOf(settings, 'Loss')?.name?.name as StagePlan['loss'] | undefined) ?? base.loss,
    metrics: base.metrics,
    labelSmoothing: settingOf(settings, 'LabelSmoothing')?.value?.value ?? base.labelSmoothing,
    // `fine tune` computes as `train` does unless it says otherwise.
    precision: precisionOf(settingOf(settings, 'Precision')) ?? base.precision,
    earlyStopping,
    classWeights: lowerClassWeights(settings) ?? base.classWeights,
    schedule: lowerSchedule(settings, optimizer.learningRate),
    frozenLayers: base.frozenLayers,
    batchNormInference: batchNorm === undefined ? base.batchNormInference : batchNorm === 'frozen',
    layerLearningRates: lowerLayerLearningRates(settings, base.frozenLayers, context),
    checkpoint: { monitor, mode: monitor.endsWith('accuracy') ? 'max' : 'min' },
  };
}

/**
 * The stage's optimizer: a different optimizer starts from its own Keras defaults, except that
 * `fine tune` keeps its inherited learning rate (stage 1's / 100 for the first) unless it gives one.
 */
function lowerOptimizer(settings: readonly StageSetting[], base: OptimizerPlan, keepLearningRate: boolean): OptimizerPlan {
  const setting = settingOf(settings, 'Optimizer');
  const name = (setting?.name?.name as OptimizerPlan['name'] | undefined) ?? base.name;
  const start: OptimizerPlan =
    name === base.name
      ? base
      : { name, ...OPTIMIZER_DEFAULTS[name], ...(keepLearningRate ? { learningRate: base.learningRate } : {}) };
  // `lr A .. B`: the head learns at B, the stage's rate; the blocks below it spread down to A.
  const own = settingOf(settings, 'LearningRate');
  const learningRate = own?.to?.value ?? own?.value?.value ?? setting?.lr?.value ?? start.learningRate;
  return {
    ...start,
    learningRate,
    momentum: setting?.momentum?.value ?? start.momentum,
    weightDecay: setting?.weightDecay?.value ?? start.weightDecay,
  };
}

function precisionOf(setting: { value?: { name: string } } | undefined): StagePlan['precision'] | undefined {
  const name = setting?.value?.name;
  return name === 'bf16' || name === 'float32' ? name : undefined;
}

function lowerClassWeights(settings: readonly StageSetting[]): StagePlan['classWeights'] | undefined {
  const setting = settingOf(settings, 'ClassWeights');
  if (!setting) return undefined;
  if (setting.balanced) return { mode: 'balanced' };
  const weights: Record<string, number> = {};
  for (const entry of setting.entries) {
    const className = entry.className?.kind === 'String' ? entry.className.value : entry.className?.name;
    if (className !== undefined && entry.weight) weights[className] = entry.weight.value;
  }
  return { mode: 'manual', weights };
}

/**
 * The stage's learning-rate schedule (constant without one). `one cycle` peaks at `max lr` and
 * starts at the stage's lr; without `max lr` it peaks at the stage's lr and starts at lr / 25
 * (fastai's fit_one_cycle). `reduce lr on plateau` fills in Keras's ReduceLROnPlateau defaults.
 */
function lowerSchedule(settings: readonly StageSetting[], learningRate: number): SchedulePlan {
  const plateau = settingOf(settings, 'Plateau');
  if (plateau) {
    return {
      kind: 'plateau',
      monitor: (plateau.monitor?.name ?? PLATEAU_DEFAULTS.monitor) as Extract<SchedulePlan, { kind: 'plateau' }>['monitor'],
      factor: plateau.factor?.value ?? PLATEAU_DEFAULTS.factor,
      patience: plateau.patience?.value ?? PLATEAU_DEFAULTS.patience,
      minDelta: PLATEAU_DEFAULTS.minDelta,
      cooldown: PLATEAU_DEFAULTS.cooldown,
      minLearningRate: PLATEAU_DEFAULTS.minLearningRate,
    };
  }
  const schedule = settingOf(settings, 'Schedule');
  switch (schedule?.type?.name) {
    case 'cosine':
      return {
        kind: 'cosine',
        warmup: { count: schedule.warmup?.value ?? 0, unit: schedule.warmupUnit?.name === 'steps' ? 'steps' : 'epochs' },
      };
    case 'one cycle':
      return schedule.maxLr
        ? { kind: 'one-cycle', startLearningRate: learningRate, maxLearningRate: schedule.maxLr.value }
        : { kind: 'one-cycle', startLearningRate: Number((learningRate / ONE_CYCLE_DIV).toPrecision(12)), maxLearningRate: learningRate };
    case 'step':
      return { kind: 'step', everyEpochs: schedule.every?.value ?? 1, factor: schedule.times?.value ?? 1 };
    default:
      return { kind: 'constant' };
  }
}

/** The layers of each block (after the previous block's last layer, through its own), within the kept layers. */
function blockLayers(context: StageContext): { block: string; layers: string[] }[] {
  const { entry } = context.backbone;
  const kept = context.keptLayers;
  const groups: { block: string; layers: string[] }[] = [];
  let start = 0;
  for (const block of entry.blocks) {
    const end = kept.indexOf(block.layer);
    if (end < 0) break; // after a cut
    groups.push({ block: block.name, layers: kept.slice(start, end + 1) });
    start = end + 1;
  }
  return groups;
}

/**
 * Discriminative learning rates as explicit groups of trained backbone layers. `lr A for B1..B2`:
 * the layers of blocks B1 through B2 (or from quoted layer B1 through quoted layer B2) at A.
 * `lr A .. B` (fastai's `slice(A, B)`): every block with a trained layer is a group, the first at
 * A, the head at B, the rates in between spaced geometrically.
 */
function lowerLayerLearningRates(settings: readonly StageSetting[], frozenLayers: readonly string[], context: StageContext): LayerLearningRatePlan[] {
  const frozen = new Set(frozenLayers);
  const spread = settingOf(settings, 'LearningRate');
  if (spread?.to && spread.value) {
    const trained = blockLayers(context)
      .map((group) => ({ block: group.block, layers: group.layers.filter((layer) => !frozen.has(layer)) }))
      .filter((group) => group.layers.length > 0);
    const low = spread.value.value;
    const high = spread.to.value;
    const steps = trained.length; // the head is group number `steps`, at `high`
    return trained.map((group, i) => ({
      blocks: [group.block],
      layers: group.layers,
      learningRate: Number((low * (high / low) ** (i / steps)).toPrecision(12)),
    }));
  }
  return settings.flatMap((setting) => {
    if (setting.kind !== 'LayerLearningRate' || !setting.value || !setting.from) return [];
    const blocks = blockLayers(context);
    const to = setting.to ?? setting.from;
    if (setting.from.kind === 'Identifier' && to.kind === 'Identifier') {
      const first = blocks.findIndex((b) => b.block === (setting.from as { name: string }).name);
      const last = blocks.findIndex((b) => b.block === to.name);
      const covered = blocks.slice(first, last + 1);
      return [{ blocks: covered.map((b) => b.block), layers: covered.flatMap((b) => b.layers), learningRate: setting.value.value }];
    }
    const start = resolvePoint(context.backbone, setting.from).index;
    const end = resolvePoint(context.backbone, to).index;
    // A block end stands for the block's last layer; a block start for its first.
    const startIndex = setting.from.kind === 'Identifier' ? firstTrainedIndex(context.backbone, setting.from) : start;
    return [{ blocks: [], layers: context.keptLayers.slice(startIndex, end + 1), learningRate: setting.value.value }];
  });
}
