// validatePlan accepts a real plan and refuses broken ones with errors that name the JSON path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatPlanError, validatePlan, type Plan } from '../src/index';

const fixture = (): Plan => JSON.parse(readFileSync(new URL('./fixtures/two-stage.plan.json', import.meta.url), 'utf8'));

function errorsOf(value: unknown): string[] {
  const result = validatePlan(value);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors.map(formatPlanError);
}

describe('validatePlan', () => {
  it('accepts a complete plan and returns it typed', () => {
    const result = validatePlan(fixture());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.plan.model.architecture).toBe('MobileNetV2');
  });

  it('names the path of a value out of range', () => {
    const plan = fixture();
    plan.stages[0].optimizer.learningRate = 0;
    expect(errorsOf(plan)).toEqual(['/stages/0/optimizer/learningRate: must be > 0']);
  });

  it('says what a labels separator may be: not empty, none of the CSV\'s comma, quote or line break', () => {
    const plan = fixture();
    plan.data!.labels!.separator = ',';
    expect(errorsOf(plan)).toEqual(['/data/labels/separator: must be text without a comma, a double quote or a line break (the labels file is a CSV, which uses them)']);
    plan.data!.labels!.separator = '';
    expect(errorsOf(plan)).toEqual(['/data/labels/separator: must NOT have fewer than 1 characters']);
  });

  it('names the path of a value of the wrong type', () => {
    const plan = fixture() as unknown as { data: { batchSize: unknown }; stages: { epochs: unknown }[] };
    plan.data.batchSize = '32';
    plan.stages[1].epochs = 2.5;
    expect(errorsOf(plan)).toEqual(['/data/batchSize: must be a whole number ≥ 1 or "auto"', '/stages/1/epochs: must be integer']);
  });

  it('names a missing field by its own path', () => {
    const plan = fixture() as unknown as { model: Record<string, unknown> };
    delete plan.model.outputLayer;
    expect(errorsOf(plan)).toEqual(['/model/outputLayer: is required but missing']);
  });

  it('refuses unknown properties', () => {
    const plan = fixture() as unknown as { head: Record<string, unknown> };
    plan.head.extra = 1;
    expect(errorsOf(plan)).toEqual(['/head/extra: is not a known property here']);
  });

  it('lists the allowed values of an enumeration and of a tagged union', () => {
    const plan = fixture() as unknown as { preprocess: { mode: string }; model: { weights: { source: string } } };
    plan.preprocess.mode = 'inception';
    plan.model.weights.source = 'coco';
    expect(errorsOf(plan)).toEqual([
      '/model/weights/source: must be one of "imagenet", "none", "file"',
      '/preprocess/mode: must be one of "caffe", "tf", "torch", "builtin", "rescale", "normalize", "none"',
    ]);
  });

  it('checks the fields of the variant a tag selects', () => {
    const plan = fixture() as unknown as { head: { layers: Record<string, unknown>[] } };
    plan.head.layers[2] = { type: 'dense', units: 0, activation: 'softmax', name: 'head_dense_1' };
    expect(errorsOf(plan)).toEqual(['/head/layers/2/units: must be >= 1']);
  });

  it('refuses a newer version with a specific message and nothing else', () => {
    expect(errorsOf({ ...fixture(), version: 2, model: null })).toEqual([
      '/version: plan version 2 is newer than this tlc understands (1); upgrade tlc or recompile the source',
    ]);
  });

  it('refuses a missing or unknown version', () => {
    const { version: _, ...unversioned } = fixture();
    expect(errorsOf(unversioned)[0]).toMatch(/^\/version: is missing/);
    expect(errorsOf({ ...fixture(), version: '1' })).toEqual(['/version: unknown plan version "1"; this tlc understands 1']);
  });

  it('refuses a value that is not an object', () => {
    expect(errorsOf([])).toEqual(['(plan): a plan must be a JSON object']);
    expect(errorsOf(null)).toEqual(['(plan): a plan must be a JSON object']);
  });

  it('reports every error at once', () => {
    const plan = fixture() as unknown as { name: string; data: { seed: number }; stages: { batchSize: number }[] };
    plan.name = '';
    plan.data.seed = -1;
    plan.stages[0].batchSize = 0;
    expect(errorsOf(plan)).toHaveLength(3);
  });
});

describe('a plan written by an earlier tlc', () => {
  // examples/fashion.plan.json as the first release of plan version 1 wrote it (before label
  // smoothing, schedules and test-time augmentation): run folders and exported models hold such plans.
  const earlier = (): Record<string, unknown> => JSON.parse(readFileSync(new URL('./fixtures/first-release.plan.json', import.meta.url), 'utf8'));

  it('validates, with the later fields at the values that keep its meaning', () => {
    const original = earlier();
    const result = validatePlan(original);
    if (!result.ok) throw new Error(result.errors.map(formatPlanError).join('\n'));
    for (const stage of result.plan.stages) {
      expect(stage.labelSmoothing).toBe(0);
      expect(stage.schedule).toEqual({ kind: 'constant' });
    }
    expect(result.plan.evaluate?.tta).toBe('none');
    expect(result.plan.evaluate?.threshold).toBe(0.5);
    expect(result.plan.data?.labels).toBeNull();
    // The caller's object is left as it was.
    expect((original.stages as Record<string, unknown>[])[0]).not.toHaveProperty('schedule');
  });

  it('reads its augmentation as it did: one zoom number as [1 - z, 1 + z], no channel shift, nearest fill', () => {
    const plan = earlier() as { data: Record<string, unknown> };
    // As the first release wrote examples/fashion-scratch's augment block.
    plan.data.augment = { rotation: 0, zoom: 0.1, shear: 0, shiftWidth: 0.1, shiftHeight: 0.1, horizontalFlip: true, verticalFlip: false, brightness: null, seed: 42 };
    const result = validatePlan(plan);
    if (!result.ok) throw new Error(result.errors.map(formatPlanError).join('\n'));
    expect(result.plan.data?.augment).toMatchObject({ zoom: [0.9, 1.1], channelShift: 0, fill: { mode: 'nearest', value: 0 } });
  });

  it('keeps a later field the plan states', () => {
    const plan = earlier() as { stages: Record<string, unknown>[] };
    plan.stages[0].labelSmoothing = 0.1;
    const result = validatePlan(plan);
    expect(result.ok && result.plan.stages[0].labelSmoothing).toBe(0.1);
  });
});
