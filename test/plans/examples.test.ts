// Golden plans: every examples/NAME.tl compiles without errors to exactly examples/NAME.plan.json,
// and every committed plan passes the plan schema. Regenerate with TLC_UPDATE_GOLDEN=1 and
// review the diff before committing.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '@tlc/language';
import { formatPlanError, planToJson, validatePlan } from '@tlc/plan';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const sources = readdirSync(examples).filter((f) => f.endsWith('.tl')).sort();
const update = Boolean(process.env.TLC_UPDATE_GOLDEN);

describe('examples compile to their golden plans', () => {
  it('has examples', () => {
    expect(sources.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of sources) {
    it(name, () => {
      const file = path.join(examples, name);
      const { plan, diagnostics } = compile(readFileSync(file, 'utf8'), { file });
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(plan).not.toBeNull();
      const golden = path.join(examples, name.replace(/\.tl$/, '.plan.json'));
      const text = planToJson(plan!);
      if (update) {
        writeFileSync(golden + '.tmp', text);
        renameSync(golden + '.tmp', golden);
      }
      expect(existsSync(golden), `${golden} is missing: run with TLC_UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('every committed plan passes the schema and has its source', () => {
    const plans = readdirSync(examples).filter((f) => f.endsWith('.plan.json'));
    expect(plans.map((f) => f.replace(/\.plan\.json$/, '.tl')).sort()).toEqual(sources);
    for (const name of plans) {
      const result = validatePlan(JSON.parse(readFileSync(path.join(examples, name), 'utf8')));
      expect(result.ok ? [] : result.errors.map(formatPlanError), name).toEqual([]);
    }
  });
});
