// What checkPlan reports: each problem names the JSON path (a JSON Pointer, as validatePlan's
// errors do) of the value at fault and carries one of these codes. Reported at run time, by
// `tlc run plan.json`, `tlc run --resume`, `tlc embed plan.json` and `tlc predict`, before
// anything runs.

/** Every code checkPlan reports, with a one-line title (the `tlc explain` page's). */
export const PLAN_CHECK_CODES = {
  TL3102: 'a plan names what its model does not have',
  TL3103: 'parts of a plan contradict each other',
  TL3104: 'preprocessing constants that do not match their mode',
  TL3105: 'an input shape the model cannot take',
  TL3106: 'a discriminative learning rate on layers the stage does not train',
  TL3107: 'stage names that are not unique or cannot name a stage',
  TL3108: 'a labels file with a class-folder validation or evaluation set',
  TL3109: 'a multi-label head with class weights or a loss other than binary cross-entropy',
} as const;

export type PlanCheckCode = keyof typeof PLAN_CHECK_CODES;

export interface PlanProblem {
  code: PlanCheckCode;
  /** JSON Pointer of the offending value: `/model/freeze/layers/3`. */
  path: string;
  message: string;
}

/** The error for `code`'s problems in `file`: the code's title, then each problem's JSON path and message. */
export function planProblemsMessage(file: string, code: PlanCheckCode, problems: readonly PlanProblem[]): { code: PlanCheckCode; message: string } {
  return { code, message: `${file}: ${PLAN_CHECK_CODES[code]}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}` };
}

/** The problems found so far, in the order found. */
export class Problems {
  readonly list: PlanProblem[] = [];

  add(code: PlanCheckCode, path: string, message: string): void {
    this.list.push({ code, path, message });
  }
}

/** `"a", "b"` or `"a" … "z" (26 layers)`: a layer list short enough to print. */
export function layerList(layers: readonly string[]): string {
  if (layers.length === 0) return 'no layers';
  const quoted = (l: string) => JSON.stringify(l);
  if (layers.length <= 4) return layers.map(quoted).join(', ');
  return `${quoted(layers[0])} … ${quoted(layers[layers.length - 1])} (${layers.length} layers)`;
}

/** `; did you mean "X"?` when one word is close, else nothing. */
export function suggestion(close: string | undefined): string {
  return close === undefined ? '' : `; did you mean ${JSON.stringify(close)}?`;
}
