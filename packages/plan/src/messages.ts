// The plan's own error, shaped like the compiler's catalog (language/src/compile/messages.ts):
// TL3101, a plan JSON this tlc cannot run, with the JSON path of every problem. The CLI renders it
// as it renders the runtime's errors.
import { formatPlanError, type PlanError } from './validate';

/** Every code the plan package defines, with a one-line title. */
export const PLAN_CODES = {
  TL3101: 'a plan file this tlc cannot run',
} as const;

export type PlanCode = keyof typeof PLAN_CODES;

export interface PlanMessage {
  code: PlanCode;
  message: string;
  help?: string;
}

export const planMessages = {
  notJson: (file: string, empty: boolean, reason: string): PlanMessage => ({
    code: 'TL3101',
    message: `${file} ${empty ? 'is empty' : `is not valid JSON (${reason})`}`,
    help: 'a plan JSON is what `tlc compile FILE.tl -o plan.json` writes',
  }),
  notRunnable: (file: string, errors: readonly PlanError[]): PlanMessage => ({
    code: 'TL3101',
    message: `${file} is not a plan this tlc can run:\n${errors.map((e) => `  ${formatPlanError(e)}`).join('\n')}`,
  }),
};
