// The other sections of a plan against each other: the head's summary against its layers, the
// data's image size against the model's input, the stages' order, optimizer settings and
// checkpoints against what the runtime uses and computes, a one-cycle schedule's peak against its
// start, and `evaluate` against itself.
import type { Plan } from '@tlc/plan';
import type { Backbone } from './model';
import type { Problems } from './problems';

/** The values an epoch records and a checkpoint or early stop can watch. */
const MONITORS = ['val_loss', 'val_accuracy', 'loss', 'accuracy'];
/** The metrics the runtime computes (besides the loss). */
const METRICS = ['accuracy'];
/** What a stage name may be (as in a .tl file, TL2042): it names files and the stage in metrics.csv. */
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]*$/;
/** The settings each optimizer has (besides the learning rate and weight decay); the runtime ignores the others. */
const OPTIMIZER_SETTINGS: Record<string, readonly string[]> = {
  sgd: ['momentum'],
  rmsprop: ['momentum', 'epsilon'],
  adam: ['beta1', 'beta2', 'epsilon'],
  adamw: ['beta1', 'beta2', 'epsilon'],
};

export function checkHead(plan: Plan, backbone: Backbone | undefined, problems: Problems): void {
  const { layers, outputUnits, outputActivation } = plan.head;
  const last = layers[layers.length - 1];
  const lastPath = `/head/layers/${layers.length - 1}`;
  if (last.type !== 'dense') {
    problems.add('TL3103', `${lastPath}/type`, `is ${JSON.stringify(last.type)} but a head ends with its output layer, a "dense" one`);
  } else {
    if (last.units !== outputUnits) {
      problems.add('TL3103', '/head/outputUnits', `is ${outputUnits} but the last layer (${lastPath}) has ${last.units} units`);
    }
    const activation = last.activation === 'softmax' || last.activation === 'sigmoid' ? last.activation : 'linear';
    if (activation !== outputActivation) {
      problems.add('TL3103', '/head/outputActivation', `is ${JSON.stringify(outputActivation)} but the last layer (${lastPath}) applies ${JSON.stringify(last.activation)}: probabilities would be computed from the wrong outputs`);
    }
  }
  const firstDense = layers.findIndex((l) => l.type === 'dense');
  const firstVector = layers.findIndex((l) => l.type === 'pool' || l.type === 'flatten');
  if (firstDense >= 0 && (firstVector < 0 || firstVector > firstDense)) {
    problems.add('TL3103', `/head/layers/${firstDense}`, 'a "dense" layer before any "pool" or "flatten" would see the feature map, not a vector per image');
  }
  const names = new Map<string, number>();
  layers.forEach((layer, i) => {
    if (names.has(layer.name)) problems.add('TL3103', `/head/layers/${i}/name`, `${JSON.stringify(layer.name)} is also the name of /head/layers/${names.get(layer.name)}`);
    else if (backbone?.layers?.includes(layer.name)) problems.add('TL3103', `/head/layers/${i}/name`, `${JSON.stringify(layer.name)} is the name of a ${backbone.entry.name} layer`);
    names.set(layer.name, i);
  });
}

export function checkData(plan: Plan, problems: Problems): void {
  const data = plan.data;
  if (!data) return;
  const [height, width, channels] = plan.model.inputShape;
  if (data.imageSize[0] !== height || data.imageSize[1] !== width) {
    problems.add('TL3103', '/data/imageSize', `is ${data.imageSize[1]}x${data.imageSize[0]} (width x height) but /model/inputShape takes ${width}x${height}`);
  }
  const colorMode = channels === 1 ? 'grayscale' : 'rgb';
  if (data.colorMode !== colorMode) {
    problems.add('TL3103', '/data/colorMode', `is ${JSON.stringify(data.colorMode)} but /model/inputShape has ${channels} channel${channels === 1 ? '' : 's'} ("${colorMode}")`);
  }
}

export function checkStages(plan: Plan, problems: Problems): void {
  const names = new Map<string, number>();
  plan.stages.forEach((stage, i) => {
    const path = `/stages/${i}`;
    if (i === 0 && stage.name !== 'train') {
      problems.add('TL3107', `${path}/name`, `is ${JSON.stringify(stage.name)} but stage 1 is "train" (the stages after it are fine-tuning stages with their own names)`);
    } else if (i > 0 && stage.name === 'train') {
      problems.add('TL3107', `${path}/name`, `is "train", the name of stage 1: a fine-tuning stage needs another name`);
    } else if (names.has(stage.name)) {
      problems.add('TL3107', `${path}/name`, `${JSON.stringify(stage.name)} is also the name of /stages/${names.get(stage.name)}: the run tells stages apart by name`);
    } else if (!STAGE_NAME.test(stage.name)) {
      problems.add('TL3107', `${path}/name`, `${JSON.stringify(stage.name)} cannot name a stage: letters, digits, spaces, "-", "_" and ".", starting with a letter or digit`);
    }
    if (!names.has(stage.name)) names.set(stage.name, i);
    const { monitor, mode } = stage.checkpoint;
    if (!MONITORS.includes(monitor)) {
      problems.add('TL3103', `${path}/checkpoint/monitor`, `is ${JSON.stringify(monitor)} but an epoch records only ${MONITORS.map((m) => JSON.stringify(m)).join(', ')}`);
    } else {
      const expected = monitor.endsWith('loss') ? 'min' : 'max';
      if (mode !== expected) problems.add('TL3103', `${path}/checkpoint/mode`, `is ${JSON.stringify(mode)} but the best ${monitor} is the ${expected === 'min' ? 'lowest' : 'highest'}: "${expected}"`);
    }
    const optimizer = stage.optimizer;
    for (const setting of ['momentum', 'beta1', 'beta2', 'epsilon'] as const) {
      if (optimizer[setting] !== null && !OPTIMIZER_SETTINGS[optimizer.name].includes(setting)) {
        problems.add('TL3103', `${path}/optimizer/${setting}`, `is ${optimizer[setting]} but ${optimizer.name} has no ${setting} (it would be ignored): it must be null`);
      }
    }
    const schedule = stage.schedule;
    if (schedule.kind === 'one-cycle' && schedule.maxLearningRate < schedule.startLearningRate) {
      problems.add('TL3103', `${path}/schedule/maxLearningRate`, `is ${schedule.maxLearningRate} but the cycle starts at ${schedule.startLearningRate}: its peak would be below its start`);
    }
    stage.metrics.forEach((metric, j) => {
      if (!METRICS.includes(metric)) problems.add('TL3103', `${path}/metrics/${j}`, `is ${JSON.stringify(metric)} but tlc computes only ${METRICS.map((m) => JSON.stringify(m)).join(', ')} (and the loss)`);
    });
  });
}

export function checkEvaluate(plan: Plan, problems: Problems): void {
  const evaluate = plan.evaluate;
  if (!evaluate) return;
  if (evaluate.on === 'directory' && evaluate.directory === null) {
    problems.add('TL3103', '/evaluate/directory', 'is null but /evaluate/on is "directory": name the folder to evaluate on');
  } else if (evaluate.on === 'validation' && evaluate.directory !== null) {
    problems.add('TL3103', '/evaluate/directory', 'must be null when /evaluate/on is "validation" (the folder would be ignored)');
  }
}

/**
 * Each stage's discriminative learning rates (`layerLearningRates`): every layer one the model
 * keeps, trained in the stage (not in its frozenLayers) and in one group only; else the rate
 * would go to no layer, or a layer would have two.
 */
export function checkLayerLearningRates(plan: Plan, backbone: Backbone | undefined, problems: Problems): void {
  plan.stages.forEach((stage, i) => {
    const frozen = new Set(stage.frozenLayers);
    const owner = new Map<string, number>();
    (stage.layerLearningRates ?? []).forEach((group, g) => {
      group.layers.forEach((layer, j) => {
        const path = `/stages/${i}/layerLearningRates/${g}/layers/${j}`;
        if (backbone?.kept && !backbone.kept.includes(layer)) {
          const known = backbone.layers?.includes(layer);
          problems.add('TL3106', path, known ? `${JSON.stringify(layer)} comes after /model/outputLayer: the model does not keep it` : `${backbone.entry.name} has no layer ${JSON.stringify(layer)}`);
        } else if (frozen.has(layer)) {
          problems.add('TL3106', path, `${JSON.stringify(layer)} is frozen in this stage (/stages/${i}/frozenLayers): it learns at no rate`);
        } else if (owner.has(layer)) {
          problems.add('TL3106', path, `${JSON.stringify(layer)} is also in /stages/${i}/layerLearningRates/${owner.get(layer)}: a layer learns at one rate`);
        }
        if (!owner.has(layer)) owner.set(layer, g);
      });
    });
  });
}
