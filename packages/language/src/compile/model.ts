// `use MODEL [alpha A] [weights …] [freeze …] [cut after B]` lowered to the plan's model section:
// the input shape, the weights source (URL and hash for ImageNet), the grayscale adaptation of
// the first convolution, the cut, and the exact list of frozen layers.
import type { UseStatement } from '../ast/nodes';
import type { FreezePlan, ModelPlan, WeightsPlan } from '@tlc/plan';
import { messages, at } from '../diagnostics/catalog';
import { compileMessages } from './messages';
import { CompileProblem } from './problem';
import { resolvePoint, type Backbone } from './layers';
import { planPath } from './paths';

/** The images the model sees, from `data { image … }` or the model's defaults. */
export interface ImageShape {
  height: number;
  width: number;
  channels: 1 | 3;
  /** `adapt sum|skip` for grayscale images on RGB weights. */
  adapt: 'sum' | 'skip';
}

export function lowerModel(use: UseStatement, backbone: Backbone, image: ImageShape): ModelPlan {
  const { entry } = backbone;
  const alpha = entry.alphas ? (use.alpha?.value?.value ?? entry.alphas[0]) : null;
  const weights = lowerWeights(use, backbone, alpha, image);

  const cut = use.cut?.after ? resolvePoint(backbone, use.cut.after) : null;
  // The backbone after any cut: the layers that exist in the built model.
  const kept = cut ? backbone.layers.slice(0, cut.index + 1) : backbone.layers;

  return {
    architecture: entry.name,
    family: entry.family,
    alpha,
    inputShape: [image.height, image.width, image.channels],
    weights,
    firstConvAdapt: image.channels === 1 && weights.source !== 'none' ? { layer: entry.firstConv, method: image.adapt } : null,
    cutAfter: cut && { block: cut.block, layer: cut.layer },
    outputLayer: kept[kept.length - 1],
    freeze: lowerFreeze(use, backbone, kept, weights),
  };
}

function lowerWeights(use: UseStatement, backbone: Backbone, alpha: number | null, image: ImageShape): WeightsPlan {
  const source = use.weights?.source;
  if (source?.kind === 'String') {
    const path = planPath(source.value);
    const extension = path.toLowerCase().split('.').pop();
    if (extension === 'h5' || extension === 'hdf5') return { source: 'file', path, format: 'h5' };
    if (extension === 'json') return { source: 'file', path, format: 'tfjs' };
    throw new CompileProblem(compileMessages.unknownWeightsFormat(source.value, source.span));
  }
  if (source?.name === 'none') return { source: 'none' };
  // `weights imagenet`, and the default (as in Keras). Keras picks the file from a square
  // input's size and falls back to the default size's file otherwise.
  const { entry } = backbone;
  const inputSize = image.height === image.width ? image.height : entry.inputSize;
  const file = entry.weightsFor({ ...(alpha !== null ? { alpha } : {}), inputSize });
  if (!file) {
    const options = alpha !== null ? ` with alpha ${alpha} at ${inputSize}x${inputSize}` : ` at ${inputSize}x${inputSize}`;
    throw new CompileProblem(at(messages.noImagenetWeights(entry.name, options), (source ?? use).span));
  }
  return { source: 'imagenet', ...file };
}

function lowerFreeze(use: UseStatement, backbone: Backbone, kept: readonly string[], weights: WeightsPlan): FreezePlan {
  const freeze = use.freeze;
  // Without `freeze`: pretrained weights make a feature extractor (Keras's transfer-learning
  // recipe starts with `base_model.trainable = False`); random weights train everything.
  const mode = freeze?.mode ?? (weights.source === 'none' ? 'none' : 'all');
  if (mode === 'all') return { mode, until: null, layers: [...kept] };
  if (mode === 'none' || !freeze?.until) return { mode: 'none', until: null, layers: [] };
  const point = resolvePoint(backbone, freeze.until);
  return { mode, until: { block: point.block, layer: point.layer }, layers: kept.slice(0, point.index + 1) };
}
