// Run-time errors meant for people (code TL4xxx): the CLI prints `error[CODE]: message` and
// exits non-zero, without a stack trace.
export class RunError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunError';
  }
}

/** TL4001: the head's output units disagree with the class folders found. */
export function headClassMismatch(units: number, classes: number, classNames: string[]): RunError {
  const expected = classes === 2 ? '2 (or 1 with a sigmoid output)' : String(classes);
  return new RunError(
    'TL4001',
    `the head's output layer has ${units} unit${units === 1 ? '' : 's'} but the data has ${classes} class folder${classes === 1 ? '' : 's'} ` +
      `(${classNames.join(', ')}); make the last dense layer ${expected} units`,
  );
}
