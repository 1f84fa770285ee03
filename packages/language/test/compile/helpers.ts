// Compiling test sources: a plan that must exist, or the diagnostics that must be there.
import { compile } from '../../src/index';
import type { Plan } from '@tlc/plan';

export function planOf(source: string, file = '/work/pipelines/test.tl'): Plan {
  const { plan, diagnostics } = compile(source, { file });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!plan || errors.length > 0) throw new Error(`expected a plan, got ${JSON.stringify(errors)}`);
  return plan;
}

export function errorCodesOf(source: string): string[] {
  const { plan, diagnostics } = compile(source, { file: 'test.tl' });
  if (plan) throw new Error('expected no plan');
  return diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

export const HEAD = 'head dense 2';
