// The plan a `tlc run` or `tlc embed` call names: a `.tl` source compiled in memory (its
// diagnostics printed; paths relative to the source's folder), or a plan JSON validated with
// validatePlan and then checked against the zoo and itself with checkPlan (refused with the JSON
// path of every problem; paths relative to the plan's folder).
import path from 'node:path';
import { checkPlan, compile, planProblemsMessage, renderPretty, type PlanProblem } from '@tlc/language';
import { planMessages, validatePlan, type Plan } from '@tlc/plan';
import { readInputFile } from './paths';
import { renderCodedPretty } from './report-error';

export type LoadedPlan =
  | { ok: true; plan: Plan; baseDir: string; /** The `.tl` text, when the plan was compiled from one. */ source?: { file: string; text: string } }
  | { ok: false; exitCode: number };

/** With `quiet`, only error diagnostics are printed (warnings and notes are not). */
export function loadPlanFile(file: string, quiet = false): LoadedPlan {
  const text = readInputFile(file, 'a .tl file or a plan JSON');
  if (text === undefined) return { ok: false, exitCode: 1 };
  const baseDir = path.resolve(path.dirname(file));
  if (file.endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      process.stderr.write(renderCodedPretty(planMessages.notJson(file, text.trim() === '', (error as Error).message)));
      return { ok: false, exitCode: 1 };
    }
    const result = validatePlan(value);
    if (!result.ok) {
      process.stderr.write(renderCodedPretty(planMessages.notRunnable(file, result.errors)));
      return { ok: false, exitCode: 1 };
    }
    if (!reportPlanProblems(file, checkPlan(result.plan))) return { ok: false, exitCode: 1 };
    return { ok: true, plan: result.plan, baseDir };
  }
  const { plan, diagnostics: all } = compile(text, { file });
  const diagnostics = quiet ? all.filter((d) => d.severity === 'error') : all;
  if (diagnostics.length > 0) {
    const color = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
    process.stderr.write(renderPretty(diagnostics, text, file, { color }));
  }
  if (!plan) return { ok: false, exitCode: 1 };
  return { ok: true, plan, baseDir, source: { file: path.basename(file), text } };
}

/**
 * Prints what checkPlan found, one `error[CODE]` per code with the JSON path of each problem
 * under it; true when there is nothing to print.
 */
export function reportPlanProblems(file: string, problems: readonly PlanProblem[]): boolean {
  const codes = [...new Set(problems.map((p) => p.code))].sort();
  for (const code of codes) process.stderr.write(renderCodedPretty(planProblemsMessage(file, code, problems.filter((p) => p.code === code))));
  if (codes.length > 0) process.stderr.write(`recompile the plan from its source, or correct the values named (\`tlc explain ${codes[0]}\`)\n`);
  return codes.length === 0;
}
