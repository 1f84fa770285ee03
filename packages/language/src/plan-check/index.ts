// checkPlan: a plan from a file, perhaps edited by hand, checked against the zoo and against
// itself: what the plan schema (validatePlan) cannot see. The compiler never writes such a plan;
// the runtime trusts every name and constant in one, so each problem here would otherwise run a
// different model than the plan says, silently. Run on a plan that passed validatePlan.
//
//   model       the zoo's architecture, width, input size, ImageNet file, blocks and layers;
//               cut, output layer, freeze and each stage's frozen layers agree     (./model)
//   preprocess  mode and constants agree with what was requested                   (./preprocess)
//   head, data, stages, evaluate: their fields agree with each other             (./sections)
//   multi-label: a labels file, a sigmoid head over several classes               (./multi-label)
//   discriminative learning rates: layers the model keeps and the stage trains, once each (./sections)
import type { Plan } from '@tlc/plan';
import { checkModel } from './model';
import { checkPreprocess } from './preprocess';
import { checkMultiLabel } from './multi-label';
import { Problems, type PlanProblem } from './problems';
import { checkData, checkEvaluate, checkHead, checkLayerLearningRates, checkStages } from './sections';

export { PLAN_CHECK_CODES, planProblemsMessage, type PlanCheckCode, type PlanProblem } from './problems';

export function checkPlan(plan: Plan): PlanProblem[] {
  const problems = new Problems();
  const backbone = checkModel(plan, problems);
  checkPreprocess(plan, backbone, problems);
  checkHead(plan, backbone, problems);
  checkData(plan, problems);
  checkStages(plan, problems);
  checkLayerLearningRates(plan, backbone, problems);
  checkEvaluate(plan, problems);
  checkMultiLabel(plan, problems);
  return problems.list;
}
