// The plan's preprocessing folded into the exported graph's input: the channel reorder and
// y = (x * scale - mean[c]) / std[c] become one reorder and one per-channel multiply-add in front
// of the trunk, so the run hands onnxruntime raw 0..255 pixels and tfjs does no work per batch.
import type { PreprocessPlan } from '@tlc/plan';
import { perChannel } from '../model/preprocess';
import type { InputTransform } from './export';

/** The graph-input transform equal to `preprocess(pixels, plan)` for `channels` channels. */
export function inputTransformFor(plan: PreprocessPlan, channels: number): InputTransform {
  const mean = perChannel(plan.mean, channels, 0);
  const std = perChannel(plan.std, channels, 1);
  return {
    reverseChannels: plan.channelOrder === 'bgr' && channels === 3,
    scale: std.map((s) => plan.scale / s),
    offset: mean.map((m, c) => -m / std[c]),
  };
}
