// validatePlan: is this value a plan this tlc can execute? Checks the version first (so a newer
// plan gets a clear "newer than this tlc" message rather than a list of schema errors), then the
// schema. Every error names the JSON path (a JSON Pointer) of the offending value. Fields version 1
// gained later are filled in with their meaning-keeping defaults first (later-fields.ts).
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject } from 'ajv';
import type { Plan } from './types';
import { PLAN_VERSION } from './types';
import { PLAN_SCHEMA } from './schema';
import { withLaterFields } from './later-fields';

export interface PlanError {
  /** JSON Pointer of the offending value: `/stages/0/optimizer/learningRate` ('' is the whole plan). */
  path: string;
  message: string;
}

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; errors: PlanError[] };

const ajv = new Ajv2020({ allErrors: true, discriminator: true, verbose: true, strict: true });
const validateSchema = ajv.compile(PLAN_SCHEMA);

export function validatePlan(value: unknown): PlanValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [{ path: '', message: 'a plan must be a JSON object' }] };
  }
  const versionError = checkVersion(value as Record<string, unknown>);
  if (versionError) return { ok: false, errors: [versionError] };
  const filled = withLaterFields(value as Record<string, unknown>);
  if (validateSchema(filled)) return { ok: true, plan: filled as unknown as Plan };
  const errors = validateSchema.errors ?? [];
  // A choice between plain values (a batch size: a whole number or "auto") is one error, not one per variant.
  const choices = errors.filter((e) => e.keyword === 'oneOf' && isValueChoice(e.parentSchema));
  const withinChoice = (e: ErrorObject) => choices.some((c) => c !== e && e.instancePath === c.instancePath && e.schemaPath.startsWith(c.schemaPath + '/'));
  return { ok: false, errors: dedupe(errors.filter((e) => !withinChoice(e)).map(toPlanError)) };
}

/** `/stages/0/epochs: must be >= 1`, or `(plan): …` for the whole document. */
export function formatPlanError(error: PlanError): string {
  return `${error.path === '' ? '(plan)' : error.path}: ${error.message}`;
}

function checkVersion(plan: Record<string, unknown>): PlanError | undefined {
  const version = plan.version;
  if (version === PLAN_VERSION) return undefined;
  if (version === undefined) {
    return { path: '/version', message: `is missing: every plan states its version (this tlc understands ${PLAN_VERSION})` };
  }
  if (typeof version === 'number' && Number.isInteger(version) && version > PLAN_VERSION) {
    return {
      path: '/version',
      message: `plan version ${version} is newer than this tlc understands (${PLAN_VERSION}); upgrade tlc or recompile the source`,
    };
  }
  return { path: '/version', message: `unknown plan version ${JSON.stringify(version)}; this tlc understands ${PLAN_VERSION}` };
}

function pointerSegment(key: string): string {
  return '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function toPlanError(error: ErrorObject): PlanError {
  const path = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: path + pointerSegment(String(params.missingProperty)), message: 'is required but missing' };
    case 'additionalProperties':
      return { path: path + pointerSegment(String(params.additionalProperty)), message: 'is not a known property here' };
    case 'enum':
      return { path, message: `must be one of ${quoteAll(params.allowedValues as unknown[])}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'discriminator': {
      const tag = String(params.tag);
      const variants = (error.parentSchema?.oneOf ?? []) as { properties: Record<string, { const: unknown }> }[];
      const allowed = quoteAll(variants.map((v) => v.properties[tag]?.const));
      return { path: path + pointerSegment(tag), message: `must be one of ${allowed}` };
    }
    case 'oneOf':
      if (isValueChoice(error.parentSchema)) return { path, message: `must be ${(error.parentSchema!.oneOf as ValueSchema[]).map(describeValue).join(' or ')}` };
      return { path, message: error.message ?? 'must match exactly one schema in oneOf' };
    case 'pattern':
      // A pattern says little to a reader: the schema's description says what it allows.
      if (typeof error.parentSchema?.description === 'string') return { path, message: `must be ${error.parentSchema.description}` };
      return { path, message: error.message ?? 'does not match the pattern' };
    default:
      return { path, message: error.message ?? `fails the schema's ${error.keyword} rule` };
  }
}

type ValueSchema = { const?: unknown; type?: string; minimum?: number };

/** A `oneOf` whose variants are plain values (a const, or an integer/number/string type), not objects. */
function isValueChoice(schema: unknown): boolean {
  const variants = (schema as { oneOf?: unknown } | undefined)?.oneOf;
  return Array.isArray(variants) && variants.every((v: ValueSchema) => 'const' in v || v.type === 'integer' || v.type === 'number' || v.type === 'string');
}

function describeValue(v: ValueSchema): string {
  if ('const' in v) return JSON.stringify(v.const);
  const kind = v.type === 'integer' ? 'a whole number' : `a ${v.type}`;
  return v.minimum === undefined ? kind : `${kind} ≥ ${v.minimum}`;
}

function dedupe(errors: PlanError[]): PlanError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = formatPlanError(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
