// TL2037: a discriminative range written backwards (`lr 1e-5 for block4..block2`), or two
// ranges of one stage that share a layer, or `lr … for` beside `lr A .. B` (whose spread already
// gives every trained block a rate): each layer learns at one rate.
import type { LayerLearningRateSetting } from '../../ast/nodes';
import { at, messages } from '../../diagnostics/catalog';
import type { Diagnostic } from '../../diagnostics/types';
import { pointPosition, pointText, type CheckContext, type PointPosition } from '../context';
import type { Rule } from './types';

const text = (s: LayerLearningRateSetting) => `lr ${s.value?.raw ?? ''} for ${s.from ? pointText(s.from) : ''}${s.to ? `..${pointText(s.to)}` : ''}`;

/** The range's first and last positions on one scale, or undefined. */
function extent(context: CheckContext, s: LayerLearningRateSetting): [PointPosition, PointPosition] | undefined {
  if (!s.from) return undefined;
  const start = pointPosition(context, s.from, 'start');
  const end = pointPosition(context, s.to ?? s.from, 'end');
  if (!start || !end || start.scale !== end.scale) return undefined;
  return [start, end];
}

export const discriminativeRangesRule: Rule = (context) => {
  const diagnostics: Diagnostic[] = [];
  for (const stage of context.stages) {
    const ranges = stage.settings.filter((s): s is LayerLearningRateSetting => s.kind === 'LayerLearningRate');
    const spread = stage.settings.find((s) => s.kind === 'LearningRate' && s.to);
    const seen: { setting: LayerLearningRateSetting; span: [PointPosition, PointPosition] }[] = [];
    for (const s of ranges) {
      if (spread && spread.kind === 'LearningRate') {
        diagnostics.push(at(messages.rangesOverlap(text(s), `lr ${spread.value?.raw} .. ${spread.to?.raw}`), s.span));
        continue;
      }
      const span = extent(context, s);
      if (!span) continue;
      if (span[0].index > span[1].index) {
        diagnostics.push(at(messages.rangeReversed(pointText(s.from!), pointText(s.to ?? s.from!)), { start: s.from!.span.start, end: (s.to ?? s.from!).span.end }));
        continue;
      }
      const other = seen.find((o) => o.span[0].scale === span[0].scale && o.span[0].index <= span[1].index && span[0].index <= o.span[1].index);
      if (other) diagnostics.push(at(messages.rangesOverlap(text(s), text(other.setting)), s.span, [{ span: other.setting.span, message: 'the other range' }]));
      else seen.push({ setting: s, span });
    }
  }
  return diagnostics;
};
