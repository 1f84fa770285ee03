// rebasePlanPaths: a plan moved to another folder keeps pointing at the same files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rebasePlanPaths, type Plan } from '../src/index';

const fixture = (): Plan => JSON.parse(readFileSync(new URL('./fixtures/two-stage.plan.json', import.meta.url), 'utf8'));

describe('rebasePlanPaths', () => {
  it('rewrites every relative path from the source folder to the output folder', () => {
    const plan = fixture();
    plan.model.weights = { source: 'file', path: 'weights/backbone.h5', format: 'h5' };
    const moved = rebasePlanPaths(plan, '/p/examples', '/p/out/plans');
    expect(moved.source?.file).toBe('../../examples/two-stage.tl');
    expect(moved.model.weights).toEqual({ source: 'file', path: '../../examples/weights/backbone.h5', format: 'h5' });
    expect(moved.data?.directory).toBe('../../examples/data/fashion/train');
    expect(moved.data?.validation).toEqual({ mode: 'directory', directory: '../../examples/data/fashion/val' });
    expect(moved.evaluate?.directory).toBe('../../examples/data/fashion/test');
    expect(moved.export?.path).toBe('../../examples/models/fashion');
    expect(moved.predict?.directory).toBe('../../examples/data/fashion/new');
    // The input is not modified.
    expect(plan.data?.directory).toBe('data/fashion/train');
  });

  it('keeps absolute paths and is the identity for the same folder', () => {
    const plan = fixture();
    plan.export = { path: '/srv/models/fashion', format: 'tfjs-layers' };
    expect(rebasePlanPaths(plan, '/p/examples', '/q').export?.path).toBe('/srv/models/fashion');
    expect(rebasePlanPaths(plan, '/p/examples', '/p/examples')).toEqual(plan);
  });
});
