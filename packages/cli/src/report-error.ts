// How a command prints an error, in one place. A coded error is data, `{code, message, help}`
// (the runtime's RunError, the zoo's coded WeightsError, the plan's TL3101): for people
// `error[CODE]: message` then `help: …` (rustc's form), and with --json also one JSON object as
// the last stdout line, `{"error": {code, message, help}}`. Any other error a package raised for
// people is `tlc CMD: message`; an unexpected one is an internal error (its stack with TLC_DEBUG=1).

/** A run-time error as data. */
export interface CodedMessage {
  code: string;
  message: string;
  help?: string;
}

export function isCodedMessage(value: unknown): value is CodedMessage {
  const e = value as Partial<CodedMessage> | null;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && /^TL\d{4}$/.test(e.code) && typeof e.message === 'string';
}

/** `error[CODE]: message` and, when there is one, `help: …`, each ending in a newline. */
export function renderCodedPretty(error: CodedMessage): string {
  return `error[${error.code}]: ${error.message}\n${error.help !== undefined ? `help: ${error.help}\n` : ''}`;
}

/** The error as one line of JSON: `{"error": {code, message, help}}` (code absent when it has none). */
export function renderErrorJson(error: { code?: string; message: string; help?: string }): string {
  const { code, message, help } = error;
  return JSON.stringify({ error: { ...(code !== undefined ? { code } : {}), message, ...(help !== undefined ? { help } : {}) } });
}

/** Errors whose name says nothing to people: a bug, not a message. */
const UNEXPECTED = new Set(['Error', 'TypeError', 'RangeError']);

/** Prints an error a command raised (never a stack trace, unless TLC_DEBUG is set); returns the exit code, 1. */
export function reportRunError(command: string, error: unknown, options: { json?: boolean } = {}): number {
  if (process.env.TLC_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  const message = error instanceof Error ? error.message : String(error);
  if (isCodedMessage(error)) {
    process.stderr.write(renderCodedPretty(error));
    if (options.json) process.stdout.write(`${renderErrorJson(error)}\n`);
    return 1;
  }
  const expected = error instanceof Error && !UNEXPECTED.has(error.name);
  if (expected) process.stderr.write(`tlc ${command}: ${message}\n`);
  else process.stderr.write(`tlc ${command}: internal error: ${message}\n(run with TLC_DEBUG=1 for details)\n`);
  if (options.json) process.stdout.write(`${renderErrorJson({ message: expected ? message : `internal error: ${message}` })}\n`);
  return 1;
}
