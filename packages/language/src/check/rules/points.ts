// The freeze points a program names: `freeze until`, `cut after`, each stage's `unfreeze from`
// and the ends of its `lr … for B1..B2` ranges, with the clause they appear in (shared by the
// rules about points).
import type { LayerRef, StageStatement } from '../../ast/nodes';
import type { CheckContext } from '../context';

export interface NamedPoint {
  clause: 'freeze until' | 'cut after' | 'unfreeze from' | 'lr for';
  ref: LayerRef;
  stage?: StageStatement;
}

export function namedPoints(context: CheckContext): NamedPoint[] {
  const points: NamedPoint[] = [];
  if (context.use?.freeze?.until) points.push({ clause: 'freeze until', ref: context.use.freeze.until });
  if (context.use?.cut?.after) points.push({ clause: 'cut after', ref: context.use.cut.after });
  for (const stage of context.stages) {
    for (const setting of stage?.settings ?? []) {
      if (setting.kind === 'Unfreeze' && setting.from) points.push({ clause: 'unfreeze from', ref: setting.from, stage });
      if (setting.kind === 'LayerLearningRate') {
        for (const ref of [setting.from, setting.to]) if (ref) points.push({ clause: 'lr for', ref, stage });
      }
    }
  }
  return points;
}
