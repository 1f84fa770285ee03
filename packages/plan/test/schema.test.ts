// plan.schema.json is exactly the schema the code validates with (regenerate with TLC_UPDATE_GOLDEN=1),
// and it is a valid draft 2020-12 schema that other validators can use.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { PLAN_SCHEMA } from '../src/schema';

const committedFile = new URL('../plan.schema.json', import.meta.url);
const generated = JSON.stringify(PLAN_SCHEMA, null, 2) + '\n';

describe('plan.schema.json', () => {
  it('equals the schema the code validates with', () => {
    if (process.env.TLC_UPDATE_GOLDEN) {
      const temp = new URL('../plan.schema.json.tmp', import.meta.url);
      writeFileSync(temp, generated);
      renameSync(temp, committedFile);
    }
    expect(readFileSync(committedFile, 'utf8')).toBe(generated);
  });

  it('is a valid JSON Schema 2020-12 document that a plain validator accepts', () => {
    const committed = JSON.parse(readFileSync(committedFile, 'utf8'));
    // A plain ajv without tlc's options: the discriminator keyword is only an optimisation hint.
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validateSchema(committed)).toBe(true);
    const validate = ajv.compile(committed);
    const fixture = JSON.parse(readFileSync(new URL('./fixtures/two-stage.plan.json', import.meta.url), 'utf8'));
    expect(validate(fixture)).toBe(true);
    expect(validate({ ...fixture, version: 2 })).toBe(false);
  });
});
