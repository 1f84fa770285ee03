// The plan's model section against the zoo: the architecture, its family and width multiplier,
// every block and layer named (cut, freeze, first convolution, output layer, each stage's frozen
// layers), the ImageNet weights file, the input shape; and the model section against itself
// (the output layer is where the cut ends the backbone, the frozen layers are what the freeze
// mode says, stage 1 freezes what the model section says).
import type { Plan } from '@tlc/plan';
import { findModel, modelLayers, modelNames, type ModelEntry } from '@tlc/zoo/catalog';
import { didYouMean } from '../diagnostics/did-you-mean';
import { layerList, suggestion, type Problems } from './problems';

/** The zoo's model and its layer list, when the plan names a model the zoo has. */
export interface Backbone {
  entry: ModelEntry;
  /** Every layer of the whole backbone, in network order (undefined when not generated). */
  layers: readonly string[] | undefined;
  /** The layers the plan's backbone keeps (after the cut), when that is known. */
  kept: readonly string[] | undefined;
}

export function checkModel(plan: Plan, problems: Problems): Backbone | undefined {
  const model = plan.model;
  const entry = findModel(model.architecture);
  if (!entry) {
    problems.add('TL3102', '/model/architecture', `the zoo has no model ${JSON.stringify(model.architecture)}${suggestion(didYouMean(model.architecture, modelNames()))}`);
    return undefined;
  }
  if (model.family !== entry.family) {
    problems.add('TL3102', '/model/family', `is ${JSON.stringify(model.family)} but ${entry.name} is of the family ${JSON.stringify(entry.family)}`);
  }
  checkAlpha(plan, entry, problems);
  checkInputShape(plan, entry, problems);
  checkWeights(plan, entry, problems);
  const layers = modelLayers(entry.name);
  const backbone: Backbone = { entry, layers, kept: undefined };
  if (!layers) return backbone;

  const where = (layer: string) => layers.indexOf(layer);
  const cut = model.cutAfter;
  let kept: readonly string[] = layers;
  if (cut) {
    const index = checkPoint(backbone, cut, '/model/cutAfter', problems);
    if (index >= 0) kept = layers.slice(0, index + 1);
  }
  const expectedOutput = kept[kept.length - 1];
  if (model.outputLayer !== expectedOutput) {
    if (where(model.outputLayer) < 0) {
      problems.add('TL3102', '/model/outputLayer', `${entry.name} has no layer ${JSON.stringify(model.outputLayer)}${suggestion(didYouMean(model.outputLayer, layers))}`);
    } else {
      const because = cut ? `/model/cutAfter ends the backbone at ${JSON.stringify(cut.layer)}` : `/model/cutAfter is null, so the backbone ends at its last layer ${JSON.stringify(expectedOutput)}`;
      problems.add('TL3103', '/model/outputLayer', `is ${JSON.stringify(model.outputLayer)} but ${because}; the head would attach elsewhere than the plan says`);
    }
  }
  backbone.kept = kept;
  checkFirstConv(plan, entry, problems);
  checkFreeze(plan, backbone, kept, problems);
  plan.stages.forEach((stage, i) => checkFrozenLayers(stage.frozenLayers, `/stages/${i}/frozenLayers`, backbone, kept, problems));
  if (model.weights.source === 'none') {
    plan.stages.forEach((stage, i) => {
      if (stage.frozenLayers.length > 0) {
        problems.add('TL3103', `/stages/${i}/frozenLayers`, `freezes ${layerList(stage.frozenLayers)} but /model/weights is "none": frozen random filters stay random (in a .tl file this is TL2007)`);
      }
    });
  }
  const first = plan.stages[0];
  if (first && !sameList(first.frozenLayers, model.freeze.layers)) {
    problems.add('TL3103', '/stages/0/frozenLayers', `stage ${JSON.stringify(first.name)} freezes ${layerList(first.frozenLayers)} but /model/freeze/layers lists ${layerList(model.freeze.layers)}: the first stage trains with the freeze of the model section`);
  }
  return backbone;
}

function checkAlpha(plan: Plan, entry: ModelEntry, problems: Problems): void {
  const alpha = plan.model.alpha;
  if (!entry.alphas) {
    if (alpha !== null) problems.add('TL3102', '/model/alpha', `is ${alpha} but ${entry.name} takes no width multiplier: it must be null`);
  } else if (alpha === null || !entry.alphas.includes(alpha)) {
    problems.add('TL3102', '/model/alpha', `is ${alpha} but ${entry.name} has the width multipliers ${[...entry.alphas].sort((a, b) => a - b).join(', ')}`);
  }
}

function checkInputShape(plan: Plan, entry: ModelEntry, problems: Problems): void {
  const [height, width, channels] = plan.model.inputShape;
  if (channels !== 1 && channels !== 3) {
    problems.add('TL3105', '/model/inputShape/2', `is ${channels} channels; images are RGB (3) or grayscale (1)`);
  }
  if (height < entry.minInputSize || width < entry.minInputSize) {
    problems.add('TL3105', '/model/inputShape', `${height}x${width} is smaller than ${entry.name}'s smallest input, ${entry.minInputSize}x${entry.minInputSize}`);
  } else if (entry.inputSizeMultiple > 1 && (height % entry.inputSizeMultiple !== 0 || width % entry.inputSizeMultiple !== 0)) {
    problems.add('TL3105', '/model/inputShape', `${height}x${width}: ${entry.name} takes sizes that are multiples of ${entry.inputSizeMultiple}`);
  }
}

/** ImageNet weights: exactly the file the zoo names for this model, width and size. */
function checkWeights(plan: Plan, entry: ModelEntry, problems: Problems): void {
  const weights = plan.model.weights;
  if (weights.source !== 'imagenet') return;
  const [height, width] = plan.model.inputShape;
  const inputSize = height === width ? height : entry.inputSize;
  const file = entry.weightsFor({ ...(plan.model.alpha !== null ? { alpha: plan.model.alpha } : {}), inputSize });
  if (!file) {
    problems.add('TL3102', '/model/weights', `the zoo has no ImageNet weights for ${entry.name}${plan.model.alpha !== null ? ` with alpha ${plan.model.alpha}` : ''} at ${inputSize}x${inputSize}`);
    return;
  }
  for (const key of ['url', 'hash', 'hashAlgorithm', 'fileName'] as const) {
    if (weights[key] !== file[key]) {
      problems.add('TL3102', `/model/weights/${key}`, `is ${JSON.stringify(weights[key])} but the zoo's ImageNet file for ${entry.name} here has ${JSON.stringify(file[key])}; weights from another file would load into the wrong layers or go unverified`);
    }
  }
}

/** A cut or freeze point: its layer is in the list, and its block (if any) ends there. The layer's index, or -1. */
function checkPoint(backbone: Backbone, point: { block: string | null; layer: string }, path: string, problems: Problems): number {
  const { entry, layers } = backbone;
  const index = layers!.indexOf(point.layer);
  if (index < 0) {
    problems.add('TL3102', `${path}/layer`, `${entry.name} has no layer ${JSON.stringify(point.layer)}${suggestion(didYouMean(point.layer, layers!))}`);
  }
  if (point.block !== null) {
    const block = entry.blocks.find((b) => b.name === point.block);
    if (!block) {
      problems.add('TL3102', `${path}/block`, `${entry.name} has no block ${JSON.stringify(point.block)} (it has ${entry.blocks.map((b) => b.name).join(', ')})`);
    } else if (block.layer !== point.layer) {
      problems.add('TL3103', `${path}/layer`, `is ${JSON.stringify(point.layer)} but ${entry.name}'s ${block.name} ends at ${JSON.stringify(block.layer)}`);
    }
  }
  return index;
}

function checkFirstConv(plan: Plan, entry: ModelEntry, problems: Problems): void {
  const adapt = plan.model.firstConvAdapt;
  const grayscaleOnWeights = plan.model.inputShape[2] === 1 && plan.model.weights.source !== 'none';
  if (!grayscaleOnWeights && adapt !== null) {
    problems.add('TL3103', '/model/firstConvAdapt', 'must be null: it adapts pretrained RGB weights to grayscale images, and this plan has RGB images or no weights');
  } else if (grayscaleOnWeights && adapt === null) {
    problems.add('TL3103', '/model/firstConvAdapt', `is null but grayscale images (/model/inputShape/2 is 1) on pretrained weights need it: {"layer": ${JSON.stringify(entry.firstConv)}, "method": "sum"}`);
  } else if (adapt && adapt.layer !== entry.firstConv) {
    problems.add('TL3102', '/model/firstConvAdapt/layer', `is ${JSON.stringify(adapt.layer)} but ${entry.name}'s first convolution is ${JSON.stringify(entry.firstConv)}`);
  }
}

/** `freeze`: the mode, the point and the layer list agree, within the layers the backbone keeps. */
function checkFreeze(plan: Plan, backbone: Backbone, kept: readonly string[], problems: Problems): void {
  const freeze = plan.model.freeze;
  let expected: readonly string[] | undefined;
  if (freeze.mode === 'until') {
    if (freeze.until === null) {
      problems.add('TL3103', '/model/freeze/until', 'is null but /model/freeze/mode is "until": name the block or layer the freeze ends at');
      return;
    }
    const index = checkPoint(backbone, freeze.until, '/model/freeze/until', problems);
    if (index < 0) return;
    if (index >= kept.length) {
      problems.add('TL3103', '/model/freeze/until/layer', `${JSON.stringify(freeze.until.layer)} comes after ${JSON.stringify(kept[kept.length - 1])}, where /model/cutAfter ends the backbone`);
      return;
    }
    expected = kept.slice(0, index + 1);
  } else {
    if (freeze.until !== null) problems.add('TL3103', '/model/freeze/until', `must be null when /model/freeze/mode is ${JSON.stringify(freeze.mode)}`);
    expected = freeze.mode === 'all' ? kept : [];
  }
  if (!sameList(freeze.layers, expected)) {
    const unknown = freeze.layers.findIndex((l) => !backbone.layers!.includes(l));
    if (unknown >= 0) {
      problems.add('TL3102', `/model/freeze/layers/${unknown}`, `${backbone.entry.name} has no layer ${JSON.stringify(freeze.layers[unknown])}${suggestion(didYouMean(freeze.layers[unknown], backbone.layers!))}`);
    } else {
      const mode = freeze.mode === 'until' ? `"until" ${JSON.stringify(freeze.until!.layer)}` : JSON.stringify(freeze.mode);
      problems.add('TL3103', '/model/freeze/layers', `lists ${layerList(freeze.layers)} but /model/freeze/mode ${mode} freezes ${layerList(expected)}`);
    }
  }
}

/** A stage's frozen layers: each a layer the backbone has and keeps, each once. */
function checkFrozenLayers(frozen: readonly string[], path: string, backbone: Backbone, kept: readonly string[], problems: Problems): void {
  const keptSet = new Set(kept);
  const seen = new Set<string>();
  frozen.forEach((layer, i) => {
    if (!backbone.layers!.includes(layer)) {
      problems.add('TL3102', `${path}/${i}`, `${backbone.entry.name} has no layer ${JSON.stringify(layer)}${suggestion(didYouMean(layer, backbone.layers!))}; freezing it would freeze nothing`);
    } else if (!keptSet.has(layer)) {
      problems.add('TL3103', `${path}/${i}`, `${JSON.stringify(layer)} comes after ${JSON.stringify(kept[kept.length - 1])}, where /model/cutAfter ends the backbone`);
    } else if (seen.has(layer)) {
      problems.add('TL3103', `${path}/${i}`, `${JSON.stringify(layer)} is listed twice`);
    }
    seen.add(layer);
  });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
