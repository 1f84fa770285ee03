// The plan's preprocessing: the mode agrees with what was requested (and, for `native`, with
// the backbone's own Keras `preprocess_input`), and the constants are the mode's. The runtime
// applies the constants and never looks at the mode, so constants edited by hand would feed the
// backbone pixels it was never trained on, silently.
import type { Plan, PreprocessPlan } from '@tlc/plan';
import { NATIVE_PREPROCESSING } from '../compile/defaults';
import type { Backbone } from './model';
import type { Problems } from './problems';

const NATIVE_MODES = new Set<PreprocessPlan['mode']>(['caffe', 'tf', 'torch', 'builtin']);

export function checkPreprocess(plan: Plan, backbone: Backbone | undefined, problems: Problems): void {
  const p = plan.preprocess;
  const channels = plan.model.inputShape[2];
  const expectedMode = p.requested === 'native' ? backbone?.entry.preprocess : p.requested;
  if (p.requested === 'native' ? !NATIVE_MODES.has(p.mode) || (expectedMode !== undefined && p.mode !== expectedMode) : p.mode !== p.requested) {
    const why = p.requested === 'native' && backbone ? `${backbone.entry.name}'s own preprocessing is "${backbone.entry.preprocess}"` : `/preprocess/requested is ${JSON.stringify(p.requested)}`;
    problems.add('TL3104', '/preprocess/mode', `is ${JSON.stringify(p.mode)} but ${why}`);
    return;
  }
  if (p.channelOrder === 'bgr' && p.mode !== 'caffe') {
    problems.add('TL3104', '/preprocess/channelOrder', `is "bgr" but only "caffe" preprocessing reorders channels (the mode is ${JSON.stringify(p.mode)})`);
  }
  for (const key of ['mean', 'std'] as const) {
    const n = p[key].length;
    // The runtime fills one value into every channel and averages three into one; two are averaged silently.
    if (n !== 1 && n !== channels && !(n === 3 && channels === 1)) {
      problems.add('TL3104', `/preprocess/${key}`, `has ${n} values but the images have ${channels} channel${channels === 1 ? '' : 's'}: give one per channel, or one for all`);
    }
  }
  const expected = expectedConstants(p, channels);
  if (!expected) return;
  for (const key of ['channelOrder', 'scale', 'mean', 'std'] as const) {
    if (key in expected && !sameValue(p[key], expected[key])) {
      problems.add('TL3104', `/preprocess/${key}`, `is ${JSON.stringify(p[key])} but "${p.mode}" preprocessing uses ${JSON.stringify(expected[key])}${p.mode === 'normalize' ? '' : `; for other constants use "requested": "normalize"`}`);
    }
  }
}

type Constants = Pick<PreprocessPlan, 'channelOrder' | 'scale' | 'mean' | 'std'>;

/** The constants a mode implies (for `normalize`, only the channel order: the rest is the user's). */
function expectedConstants(p: PreprocessPlan, channels: number): Partial<Constants> | undefined {
  const identity = { channelOrder: 'rgb' as const, mean: fill(0, channels), std: fill(1, channels) };
  switch (p.mode) {
    case 'caffe':
    case 'tf':
    case 'torch':
    case 'builtin': {
      const native = NATIVE_PREPROCESSING[p.mode];
      if (channels === 3) return native;
      return { channelOrder: 'rgb', scale: native.scale, mean: [average(native.mean)], std: [average(native.std)] };
    }
    case 'rescale':
      return identity;
    case 'none':
      return { ...identity, scale: 1 };
    case 'normalize':
      return { channelOrder: 'rgb' };
  }
}

function fill(value: number, n: number): number[] {
  return Array.from({ length: n }, () => value);
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Equal, numbers to 9 significant digits (the plan may print 1/127.5 rounded). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300);
  if (Array.isArray(a) && Array.isArray(b)) {
    // One value stands for every channel (the runtime fills it in).
    const values = a.length === 1 && b.length > 1 ? fill(a[0], b.length) : a;
    return values.length === b.length && values.every((x, i) => sameValue(x, b[i]));
  }
  return a === b;
}
