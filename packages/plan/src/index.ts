// @tlc/plan: the plan the compiler produces and the runtime executes: its types, its JSON Schema
// and its validation. No tfjs.
export * from './types';
export { PLAN_SCHEMA } from './schema';
export { validatePlan, formatPlanError, type PlanError, type PlanValidation } from './validate';
export { PLAN_CODES, planMessages, type PlanCode, type PlanMessage } from './messages';
export { rebasePlanPaths } from './paths';
export { planToJson } from './json';
export { DATA_DEFAULTS, RANDOM_CROP_DEFAULTS, specDataPlan } from './data-defaults';
